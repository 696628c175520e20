import type { RequiredSetupFlow } from "@/db/schema";

export type SetupStage = "setup" | "email_setup";

/**
 * Where a user who must set up a second factor goes after the password: the
 * enrolment on screen, or first a link to their mailbox (proving they also
 * control it before a new factor is bound to the account).
 */
export function setupStageFor(flow: RequiredSetupFlow): SetupStage {
  return flow === "emailed_link" ? "email_setup" : "setup";
}
