"use client";

import { useActionState } from "react";
import { acceptInvitationAction } from "@/app/(auth)/invite/[token]/actions";
import { NewPasswordFields } from "@/components/new-password-fields";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function InvitationAcceptForm({
  token,
  email,
  organisationName,
}: {
  token: string;
  email: string;
  organisationName: string;
}) {
  const [state, action] = useActionState(acceptInvitationAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="text" name="username" value={email} autoComplete="username" readOnly hidden />
      <Field
        label="Your name"
        name="name"
        autoComplete="name"
        required
        maxLength={100}
        defaultValue={state.values?.name}
        error={state.fieldErrors?.name}
      />
      <NewPasswordFields errors={state.fieldErrors} userInputs={[email, organisationName]} />
      <SubmitButton className="w-full" pendingLabel="Accepting…">
        Accept invitation
      </SubmitButton>
    </form>
  );
}
