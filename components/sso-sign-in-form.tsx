"use client";

import { useActionState } from "react";
import { signInWithSsoAction } from "@/app/(auth)/login/actions";
import { SubmitButton } from "@/components/ui/button";
import { initialFormState } from "@/lib/action";

/**
 * "Sign in with SSO": off to the organisation's identity provider, which
 * brings the browser back signed in. Its rare error (the provider cannot be
 * reached) is an alert, announced when it appears, so /login keeps a single
 * status region: the password form's.
 */
export function SsoSignInForm() {
  const [state, action] = useActionState(signInWithSsoAction, initialFormState);
  return (
    <form action={action} className="space-y-3">
      {state.message ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.message}
        </p>
      ) : null}
      <SubmitButton variant="secondary" className="w-full" pendingLabel="Opening your identity provider…">
        Sign in with SSO
      </SubmitButton>
    </form>
  );
}
