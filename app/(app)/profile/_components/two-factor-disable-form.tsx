"use client";

import { useActionState } from "react";
import { disableTwoFactorAction, sendConfirmationCodeAction } from "@/app/(app)/profile/two-factor-actions";
import { RowActionForm } from "@/components/row-action-form";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

/**
 * Turning every method off, at the bottom of the card as a quiet outlined
 * button. Someone on codes alone has no app to read a code from: they can
 * have one emailed here, for this purpose only.
 */
export function TwoFactorDisableForm({ offerEmailedCode }: { offerEmailedCode: boolean }) {
  const [state, action] = useActionState(disableTwoFactorAction, initialFormState);
  return (
    <Reveal label="Disable two-factor authentication" variant="secondary">
      {(close) => (
        <div className="space-y-4 rounded-lg border border-red-200 p-4 sm:max-w-sm">
          <p className="text-sm text-slate-700">
            Your app, codes, Duo, recovery codes and remembered browsers will stop working. Confirm with your password
            and a current code.
          </p>
          {offerEmailedCode ? (
            <RowActionForm
              action={sendConfirmationCodeAction}
              fields={{}}
              label="Email me a code"
              accessibleName="Email me a code to confirm turning two-factor authentication off"
              pendingLabel="Sending…"
              className="flex flex-col items-start gap-2"
            />
          ) : null}
          <form action={action} className="space-y-4" noValidate>
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
              hint={
                offerEmailedCode
                  ? "From your app, the code we emailed, or a recovery code."
                  : "From your app, or a recovery code."
              }
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
        </div>
      )}
    </Reveal>
  );
}
