"use client";

import Link from "next/link";
import { useActionState } from "react";
import { resetPasswordAction } from "@/app/(auth)/login/reset/[token]/actions";
import { authLinkClass } from "@/components/auth-message";
import { NewPasswordFields } from "@/components/new-password-fields";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function ResetPasswordForm({
  token,
  email,
  userInputs,
}: {
  token: string;
  email: string;
  userInputs: string[];
}) {
  const [state, action] = useActionState(resetPasswordAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      {state.status === "error" && !state.fieldErrors ? (
        <p className="text-sm">
          <Link href="/login/forgot" className={authLinkClass}>
            Send a new reset link
          </Link>
        </p>
      ) : null}
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account the new password belongs to. */}
      <input type="text" name="username" value={email} autoComplete="username" readOnly hidden />
      <NewPasswordFields errors={state.fieldErrors} userInputs={userInputs} />
      <SubmitButton className="w-full" pendingLabel="Saving…">
        Set new password
      </SubmitButton>
    </form>
  );
}
