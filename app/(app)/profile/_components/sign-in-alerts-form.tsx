"use client";

import { useActionState } from "react";
import { saveSignInAlertsAction } from "@/app/(app)/profile/sign-in-alert-actions";
import { SubmitButton } from "@/components/ui/button";
import { Choice } from "@/components/ui/choice";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function SignInAlertsForm({ on }: { on: boolean }) {
  const [state, action] = useActionState(saveSignInAlertsAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <Choice
        type="checkbox"
        id="sign-in-alerts"
        name="signInAlerts"
        label="Email me when a new browser signs in to my account"
        hint="The email says which browser, system and address, and when. Browsers you have signed in with before do not send it."
        defaultChecked={on}
      />
      <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
    </form>
  );
}
