"use client";

import { useActionState, useEffect, useRef } from "react";
import { updatePreferredMethodAction } from "@/app/(app)/profile/two-factor-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";

/**
 * "Make preferred" on a configured method's row, shown only when there is a
 * choice. The row re-renders with its "Preferred" badge; this control stays
 * mounted so its answer stays on screen and focus lands on it, not on the page.
 */
export function PreferredMethodControl({
  method,
  label,
  preferred,
}: {
  method: SecondFactorMethod;
  label: string;
  preferred: boolean;
}) {
  const [state, action] = useActionState(updatePreferredMethodAction, initialFormState);
  const answer = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (preferred && state.status === "success") answer.current?.focus();
  }, [preferred, state]);

  if (preferred) {
    return (
      <p ref={answer} tabIndex={-1} role="status" className="text-sm text-emerald-800">
        {state.status === "success" ? state.message : ""}
      </p>
    );
  }
  return (
    <form action={action} className="flex flex-col items-start gap-2">
      <input type="hidden" name="method" value={method} />
      <SubmitButton variant="secondary" pendingLabel="Saving…">
        Make preferred
        {/* Every configured row has this button: its name says which method. */}
        <span className="sr-only"> method: {label}</span>
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
