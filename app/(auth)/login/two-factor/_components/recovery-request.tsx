import { RecoveryRequestForm } from "@/app/(auth)/login/two-factor/_components/recovery-request-form";
import { getDb } from "@/db";
import { pendingRequestOfUser } from "@/lib/recovery/requests";

/**
 * "I can't use any of my methods", on every state of the challenge. The user
 * cannot prove they have no factor left, and need not: the request grants
 * nothing, so it is offered to everyone who passed the password step.
 */
export function RecoveryRequestSection({ organisationId, userId }: { organisationId: number; userId: number }) {
  const pending = pendingRequestOfUser(getDb(), organisationId, userId);
  return <RecoveryRequestForm pending={pending ? { createdAt: pending.createdAt, expiresAt: pending.expiresAt } : null} />;
}
