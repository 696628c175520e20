"use client";

import { useActionState } from "react";
import { signInWithSsoAction } from "@/app/(auth)/login/actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/** "Sign in with SSO": off to the organisation's identity provider, which brings the browser back signed in. */
export function SsoSignInForm() {
  const [state, action] = useActionState(signInWithSsoAction, initialFormState);
  return (
    <form action={action} className="space-y-3">
      <FormStatus state={state} />
      <SubmitButton variant="secondary" className="w-full" pendingLabel="Opening your identity provider…">
        Sign in with SSO
      </SubmitButton>
    </form>
  );
}
