"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState, type FormState } from "@/lib/action";

type PasswordAction = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * "Set up Duo" and "Turn off Duo": the password here, then an approval in
 * Duo. Both change how the account signs in, so a stolen session alone must
 * not be enough to bind someone else's phone or to drop the factor.
 */
export function DuoPasswordForm({
  action,
  label,
  danger = false,
}: {
  action: PasswordAction;
  label: string;
  danger?: boolean;
}) {
  const [state, formAction] = useActionState(action, initialFormState);
  return (
    <Reveal label={label} variant={danger ? "secondary" : "primary"}>
      {(close) => (
        <form
          data-expanded
          action={formAction}
          className={`space-y-4 rounded-lg border p-4 sm:max-w-sm ${danger ? "border-red-200" : "border-slate-200"}`}
          noValidate
        >
          <p className="text-sm text-slate-700">Confirm with your password, then approve in Duo.</p>
          <FormStatus state={state} />
          <Field
            label="Password"
            id={danger ? "duo-off-password" : "duo-on-password"}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            autoFocus
            required
            error={state.fieldErrors?.currentPassword}
          />
          <div className="flex gap-3">
            <SubmitButton variant={danger ? "danger" : "primary"} pendingLabel="Opening Duo…">
              {label}
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
