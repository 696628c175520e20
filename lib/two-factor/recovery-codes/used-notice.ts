import "server-only";
import { notifyUser } from "@/lib/messaging/notify";
import { recoveryCodeUsed } from "@/lib/messaging/security-emails";

/** Template recoveryCodeUsed: the owner hears of every use of a recovery code. */
export async function tellOwnerRecoveryCodeUsed(
  user: { email: string; name: string },
  organisation: { name: string },
  codesLeft: number,
): Promise<void> {
  await notifyUser(user, organisation, recoveryCodeUsed({ codesLeft }));
}

// Moved to lib/messages.ts; kept until app/(app)/recovery-code-used/page.tsx and
// components/recovery-codes-low-notice.tsx import it from there.

/** The page a recovery-code sign-in lands on, carrying where the sign-in was headed. */
export function recoveryCodeUsedPath(next: string): string {
  return next === "/" ? "/recovery-code-used" : `/recovery-code-used?next=${encodeURIComponent(next)}`;
}
