"use client";

import { unlockSecondFactorAction } from "@/app/(app)/admin/users/[id]/unlock-actions";
import { AnswerReplacesForm } from "@/app/(app)/admin/users/[id]/_components/answer-replaces-form";

/** "Unlock", and what the lock is until it is pressed. */
export function SecondFactorUnlockForm({ userId, description }: { userId: number; description: string }) {
  return (
    <AnswerReplacesForm
      action={unlockSecondFactorAction}
      fields={{ user: userId }}
      details={<p className="text-sm text-slate-700">{description}</p>}
      label="Unlock"
      pendingLabel="Unlocking…"
    />
  );
}
