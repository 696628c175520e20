"use client";

import { useActionState } from "react";
import { regenerateRecoveryCodesAction } from "@/app/(app)/profile/two-factor-actions";
import { RecoveryCodesList } from "@/components/recovery-codes-list";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

export function RecoveryCodesRegenerateForm() {
  const [state, action] = useActionState(regenerateRecoveryCodesAction, initialFormState);
  return (
    <Reveal label="Regenerate" labelContext="recovery codes">
      {(close) =>
        state.data ? (
          <div data-expanded>
            <RecoveryCodesList codes={state.data.recoveryCodes} onDone={close} />
          </div>
        ) : (
          <form data-expanded action={action} className="space-y-4 sm:max-w-sm" noValidate>
            <p className="text-sm text-slate-700">
              Your current recovery codes will stop working. Confirm with your password and a code from your app.
            </p>
            <FormStatus state={state} />
            <Field
              label="Password"
              id="regenerate-password"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              autoFocus
              required
              error={state.fieldErrors?.currentPassword}
            />
            <Field
              label="Code"
              id="regenerate-code"
              name="code"
              autoComplete="one-time-code"
              required
              hint="From your authenticator app."
              error={state.fieldErrors?.code}
            />
            <SubmitButton pendingLabel="Regenerating…">Regenerate recovery codes</SubmitButton>
          </form>
        )
      }
    </Reveal>
  );
}
