"use client";

import { useActionState } from "react";
import { acceptInvitationAction } from "@/app/(auth)/invite/[token]/actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

export function InvitationAcceptForm({ token, email }: { token: string; email: string }) {
  const [state, action] = useActionState(acceptInvitationAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="text" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field label="Your name" name="name" autoComplete="name" required maxLength={100} defaultValue={state.values?.name} error={state.fieldErrors?.name} />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest to remember.`}
        error={state.fieldErrors?.newPassword}
      />
      <Field label="Confirm new password" name="confirmPassword" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirmPassword} />
      <SubmitButton className="w-full" pendingLabel="Accepting…">
        Accept invitation
      </SubmitButton>
    </form>
  );
}
