import { RecoveryRequestForm } from "@/app/(auth)/login/two-factor/_components/recovery-request-form";
import type { CurrentSession } from "@/lib/auth/guards";
import { pendingRecoveryRequest } from "@/lib/data/sign-in";

/**
 * "I can't use any of my methods", on every state of the challenge. The user
 * cannot prove they have no factor left, and need not: the request grants
 * nothing, so it is offered to everyone who passed the password step.
 */
export async function RecoveryRequestSection({ current }: { current: CurrentSession }) {
  return <RecoveryRequestForm pending={await pendingRecoveryRequest(current)} />;
}
