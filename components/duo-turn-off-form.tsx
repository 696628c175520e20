"use client";

import { useActionState } from "react";
import { startDuoDisableAction } from "@/app/(app)/profile/duo-actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

/** "Turn off Duo": the password here, then an approval in Duo confirms it. */
export function DuoTurnOffForm() {
  const [state, action] = useActionState(startDuoDisableAction, initialFormState);
  return (
    <Reveal label="Turn off Duo" variant="secondary">
      {(close) => (
        <form action={action} className="space-y-4 rounded-lg border border-red-200 p-4 sm:max-w-sm" noValidate>
          <p className="text-sm text-slate-700">Confirm with your password, then approve in Duo.</p>
          <FormStatus state={state} />
          <Field label="Password" id="duo-off-password" name="currentPassword" type="password" autoComplete="current-password" autoFocus required error={state.fieldErrors?.currentPassword} />
          <div className="flex gap-3">
            <SubmitButton variant="danger" pendingLabel="Opening Duo…">
              Turn off Duo
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
