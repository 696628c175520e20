"use client";

import { useActionState } from "react";
import { disableTwoFactorAction } from "@/app/(app)/profile/two-factor-actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

export function TwoFactorDisableForm() {
  const [state, action] = useActionState(disableTwoFactorAction, initialFormState);
  return (
    <Reveal label="Disable two-factor authentication" variant="danger">
      {(close) => (
        <form action={action} className="space-y-4 rounded-lg border border-red-200 p-4 sm:max-w-sm" noValidate>
          <p className="text-sm text-slate-700">
            Your app, recovery codes and remembered browsers will stop working. Confirm with your password and a current
            code.
          </p>
          <FormStatus state={state} />
          <Field
            label="Password"
            id="disable-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            autoFocus
            required
            error={state.fieldErrors?.currentPassword}
          />
          <Field
            label="Code"
            id="disable-code"
            name="code"
            autoComplete="one-time-code"
            required
            hint="From your app, or a recovery code."
            error={state.fieldErrors?.code}
          />
          <div className="flex gap-3">
            <SubmitButton variant="danger" pendingLabel="Disabling…">
              Disable two-factor authentication
            </SubmitButton>
            <button type="button" onClick={close} className="text-sm font-medium text-slate-700 hover:underline">
              Cancel
            </button>
          </div>
        </form>
      )}
    </Reveal>
  );
}
