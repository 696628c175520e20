"use client";

import { useActionState } from "react";
import {
  regeneratePasskeyRecoveryCodesAction,
  regenerateRecoveryCodesAction,
} from "@/app/(app)/profile/two-factor-actions";
import { RecoveryCodesList } from "@/components/recovery-codes-list";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

/**
 * "Regenerate": with the password and a code from the app, or, for someone
 * whose codes came with a passkey (`withPasskey`), after a fresh confirmation
 * of access, which asks for the passkey.
 */
export function RecoveryCodesRegenerateForm({ withPasskey = false }: { withPasskey?: boolean }) {
  const [state, action] = useActionState(
    withPasskey ? regeneratePasskeyRecoveryCodesAction : regenerateRecoveryCodesAction,
    initialFormState,
  );
  return (
    <Reveal label="Regenerate" labelContext="recovery codes">
      {(close) =>
        state.data ? (
          <div data-expanded>
            <RecoveryCodesList codes={state.data.recoveryCodes} onDone={close} />
          </div>
        ) : (
          <form data-expanded action={action} className="space-y-4 sm:max-w-sm" noValidate>
            {withPasskey ? (
              <>
                <p className="text-sm text-slate-700">
                  Your current recovery codes will stop working. You may be asked to confirm with your password and
                  passkey.
                </p>
                <FormStatus state={state} />
                <SubmitButton pendingLabel="Regenerating…">Regenerate recovery codes</SubmitButton>
              </>
            ) : (
              <>
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
              </>
            )}
          </form>
        )
      }
    </Reveal>
  );
}
