"use client";

import { useActionState, useEffect, useRef, type ReactNode } from "react";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/**
 * A one-time action on this page ("Unlock", "Dismiss request") whose answer replaces it. The action does
 * not re-render the page (the card would vanish and its answer with it): once done, the answer takes the
 * place of the details and the button.
 */
export function AnswerReplacesForm({
  action: serverAction,
  fields,
  details,
  label,
  pendingLabel,
}: {
  action: (previous: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, number>;
  details: ReactNode;
  label: string;
  pendingLabel: string;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
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
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <SubmitButton variant="secondary" pendingLabel={pendingLabel}>
            {label}
          </SubmitButton>
        </>
      )}
    </form>
  );
}
