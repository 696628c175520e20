"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/** "Name" and a create button: new roles and new groups start this way. */
export function NameCreateForm({
  action: createAction,
  label,
  submitLabel,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  label: string;
  submitLabel: string;
}) {
  const [state, action] = useActionState(createAction, initialFormState);
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormStatus state={state} />
      <div className="flex flex-wrap items-end gap-3">
        <Field
          label={label}
          name="name"
          id={`create-${submitLabel.replaceAll(" ", "-").toLowerCase()}`}
          required
          defaultValue={state.values?.name}
          error={state.fieldErrors?.name}
          className="w-full sm:w-72"
        />
        <SubmitButton pendingLabel="Creating…">{submitLabel}</SubmitButton>
      </div>
    </form>
  );
}
