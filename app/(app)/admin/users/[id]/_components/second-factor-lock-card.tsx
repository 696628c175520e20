import { SecondFactorUnlockForm } from "@/app/(app)/admin/users/[id]/_components/second-factor-unlock-form";
import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import type { FactorLock } from "@/lib/two-factor/sign-in/factor-lock";

/** On the admin user page while the user's second step is locked: since when, after how many wrong attempts, and "Unlock". */
export async function SecondFactorLockCard({
  userId,
  lock,
  canUnlock,
}: {
  userId: number;
  lock: FactorLock | null;
  canUnlock: boolean;
}) {
  const timeZone = await viewerTimeZone();
  if (!lock) return null;
  const description = `Locked since ${formatDateTime(lock.lockedAt, timeZone)}, after ${lock.failures} wrong attempts in a row. The user can still sign in with a recovery code.`;
  return (
    <Subsection title="Second step locked" id="second-factor-lock">
      {canUnlock ? (
        <SecondFactorUnlockForm userId={userId} description={description} />
      ) : (
        <p className="text-sm text-slate-700">{description}</p>
      )}
    </Subsection>
  );
}
