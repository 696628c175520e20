"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/**
 * One button acting on one row of a list (end this session, forget this
 * browser). The accessible name says which row, since every row's button
 * shows the same text.
 */
export function RowActionForm({
  action: serverAction,
  field,
  value,
  label,
  accessibleName,
  pendingLabel,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  field: string;
  value: string | number;
  label: string;
  accessibleName: string;
  pendingLabel: string;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <input type="hidden" name={field} value={value} />
      <SubmitButton variant="secondary" aria-label={accessibleName} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
      {state.status === "error" ? <FormStatus state={state} /> : null}
    </form>
  );
}
