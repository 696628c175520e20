import { unlockSecondFactorAction } from "@/app/(app)/admin/users/[id]/unlock-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import type { FactorLock } from "@/lib/two-factor/factor-lock";

/** On the admin user page while the user's second step is locked: since when, after how many wrong attempts, and "Unlock". */
export function SecondFactorLockCard({ userId, lock, canUnlock }: { userId: number; lock: FactorLock | null; canUnlock: boolean }) {
  if (!lock) return null;
  return (
    <Card title="Second step locked" id="second-factor-lock">
      <p className="text-sm text-slate-700">
        Locked since {formatDateTime(lock.lockedAt)}, after {lock.failures} wrong attempts in a row. The user can still sign in with a recovery code.
      </p>
      {canUnlock ? (
        <RowActionForm
          action={unlockSecondFactorAction}
          fields={{ user: userId }}
          label="Unlock"
          pendingLabel="Unlocking…"
          className="mt-4 flex flex-col items-start gap-2"
        />
      ) : null}
    </Card>
  );
}
