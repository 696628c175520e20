"use client";

import { useActionState } from "react";
import { updateSessionSettingsAction } from "@/app/(app)/admin/settings/actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function SessionSettingsForm({ sessionDurationDays }: { sessionDurationDays: number }) {
  const [state, action] = useActionState(updateSessionSettingsAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <Field
        label="Session duration (days)"
        name="sessionDurationDays"
        type="number"
        inputMode="numeric"
        min={1}
        max={365}
        required
        hint="How long a sign-in lasts before the person must sign in again. Applies to new sessions."
        defaultValue={state.values?.sessionDurationDays ?? String(sessionDurationDays)}
        error={state.fieldErrors?.sessionDurationDays}
        className="sm:max-w-xs"
      />
      <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
    </form>
  );
}
