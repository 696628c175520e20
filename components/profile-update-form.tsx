"use client";

import { useActionState } from "react";
import { updateProfileAction } from "@/app/(app)/profile/actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function ProfileUpdateForm({ name, email, mobileNumber }: { name: string; email: string; mobileNumber: string | null }) {
  const [state, action] = useActionState(updateProfileAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name="name" autoComplete="name" required defaultValue={state.values?.name ?? name} error={state.fieldErrors?.name} />
        <Field label="Email" name="email" type="email" value={email} readOnly disabled hint="Ask an administrator to change it." />
      </div>
      <Field
        label="Mobile number"
        name="mobileNumber"
        type="tel"
        autoComplete="tel"
        placeholder="+44 7911 123456"
        hint="International format, starting with +. Used for sign-in codes once verified."
        defaultValue={state.values?.mobileNumber ?? mobileNumber ?? ""}
        error={state.fieldErrors?.mobileNumber}
        className="sm:max-w-sm"
      />
      <SubmitButton pendingLabel="Saving…">Save details</SubmitButton>
    </form>
  );
}
