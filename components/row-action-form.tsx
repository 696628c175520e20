"use client";

import { useActionState } from "react";
import { SubmitButton, type ButtonVariant } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/**
 * One button acting on one thing (end this session, forget this browser, sign
 * this user out). In lists, the accessible name says which row, since every
 * row's button shows the same text.
 */
export function RowActionForm({
  action: serverAction,
  fields,
  label,
  accessibleName,
  pendingLabel,
  variant = "secondary",
  className = "flex flex-col items-end gap-2",
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string | number>;
  label: string;
  accessibleName?: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  className?: string;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  return (
    <form action={action} className={className}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitButton variant={variant} aria-label={accessibleName} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
