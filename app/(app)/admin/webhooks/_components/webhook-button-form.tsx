"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import type { ButtonVariant } from "@/components/ui/button-classes";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState, type FormState } from "@/lib/action";

type Action = (previous: FormState, formData: FormData) => Promise<FormState>;

/** One button acting on one webhook or delivery, with its answer announced beside it. */
export function WebhookButtonForm({
  action,
  fields,
  label,
  pendingLabel,
  variant = "secondary",
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  pendingLabel: string;
  variant?: ButtonVariant;
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <form action={formAction}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <SubmitRow state={state}>
        <SubmitButton variant={variant} pendingLabel={pendingLabel}>
          {label}
        </SubmitButton>
      </SubmitRow>
    </form>
  );
}
