import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type RequiredSetupFlow } from "@/db/schema";

export type SetupStage = "setup" | "email_setup";

/**
 * Where a user who must set up a second factor goes after the password: the
 * enrolment on screen, or first a link to their mailbox (proving they also
 * control it before a new factor is bound to the account).
 */
export function setupStageFor(flow: RequiredSetupFlow): SetupStage {
  return flow === "emailed_link" ? "email_setup" : "setup";
}

/** The setup stage of the user's organisation. */
export function setupStageOfUser(db: Db, userId: number): SetupStage {
  const row = db
    .select({ flow: organisations.requiredSetupFlow })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, userId))
    .get();
  return setupStageFor(row?.flow ?? "on_screen");
}
