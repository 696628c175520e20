"use client";

import { useActionState, useEffect, useRef } from "react";
import { unlockSecondFactorAction } from "@/app/(app)/admin/users/[id]/unlock-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/**
 * "Unlock", and what the lock is until it is pressed. The action does not
 * re-render the page (the card would vanish and its answer with it): once
 * unlocked, the answer replaces the description and the button.
 */
export function SecondFactorUnlockForm({ userId, description }: { userId: number; description: string }) {
  const [state, action] = useActionState(unlockSecondFactorAction, initialFormState);
  const done = state.status === "success";
  const answer = useRef<HTMLDivElement>(null);

  // The button is gone: keep focus on what replaced it rather than let it fall to the page.
  useEffect(() => {
    if (done) answer.current?.focus();
  }, [done]);

  return (
    <form action={action} className="space-y-4">
      <div ref={answer} tabIndex={-1} className="focus:outline-none">
        <FormStatus state={state} />
      </div>
      {done ? null : (
        <>
          <p className="text-sm text-slate-700">{description}</p>
          <input type="hidden" name="user" value={userId} />
          <SubmitButton variant="secondary" pendingLabel="Unlocking…">
            Unlock
          </SubmitButton>
        </>
      )}
    </form>
  );
}
