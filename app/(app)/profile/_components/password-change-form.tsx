"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/app/(app)/profile/actions";
import { NewPasswordFields } from "@/components/new-password-fields";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function PasswordChangeForm() {
  const [state, action] = useActionState(changePasswordAction, initialFormState);
  return (
    <form action={action} className="space-y-4 sm:max-w-sm" noValidate>
      <FormStatus state={state} />
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.currentPassword}
      />
      <NewPasswordFields errors={state.fieldErrors} />
      <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
    </form>
  );
}
