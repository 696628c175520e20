"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";
import { dismissRecoveryRequestAction } from "@/app/(app)/admin/users/[id]/recovery-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/**
 * "Dismiss request" and what the request is, until it is pressed. Like
 * "Unlock", the page is not re-rendered (the card would vanish and its answer
 * with it): once dismissed, the answer replaces the details and the button.
 */
export function RecoveryRequestDismissForm({
  userId,
  requestId,
  details,
}: {
  userId: number;
  requestId: number;
  details: ReactNode;
}) {
  const [state, action] = useActionState(dismissRecoveryRequestAction, initialFormState);
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
          {details}
          <input type="hidden" name="user" value={userId} />
          <input type="hidden" name="request" value={requestId} />
          <SubmitButton variant="secondary" pendingLabel="Dismissing…">
            Dismiss request
          </SubmitButton>
        </>
      )}
    </form>
  );
}
