import { RecoveryRequestForm } from "@/app/(auth)/login/two-factor/_components/recovery-request-form";
import type { CurrentSession } from "@/lib/auth/guards";
import { pendingRecoveryRequest } from "@/lib/data/sign-in";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { recoveryRequestPendingSince } from "@/lib/recovery/messages";

/**
 * "I can't use any of my methods", on every state of the challenge. The user
 * cannot prove they have no factor left, and need not: the request grants
 * nothing, so it is offered to everyone who passed the password step.
 */
export async function RecoveryRequestSection({ current }: { current: CurrentSession }) {
  const pending = await pendingRecoveryRequest(current);
  // Written here, in the reader's zone: the form is a client component and cannot read the zone cookie.
  const pendingSince = pending
    ? recoveryRequestPendingSince(pending.createdAt, pending.expiresAt, await viewerTimeZone())
    : null;
  return <RecoveryRequestForm pendingSince={pendingSince} />;
}
