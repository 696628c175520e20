"use client";

import { useActionState } from "react";
import { continueWithDuoAction } from "@/app/(auth)/login/two-factor/duo-actions";
import { RememberBrowserChoice } from "@/app/(auth)/login/two-factor/_components/remember-browser-choice";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/** The Duo step of signing in: off to Duo's prompt, which sends the browser back here when done. */
export function DuoContinueForm() {
  const [state, action] = useActionState(continueWithDuoAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      <RememberBrowserChoice />
      <SubmitButton className="w-full" pendingLabel="Opening Duo…">
        Continue with Duo
      </SubmitButton>
    </form>
  );
}
