"use client";

import Link from "next/link";
import { useActionState } from "react";
import { signInAction } from "@/app/(auth)/login/actions";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";
import { cancelPasskeyAutofill, usePasskeyAutofill } from "@/app/(auth)/login/_components/passkey-autofill";

export type SignInNotice = { status: "error" | "success"; message: string };

/** `next`: a safe same-site path to return to once signed in (checked again by the action). */
export function CredentialsSignInForm({ notice, next }: { notice?: SignInNotice; next?: string | null }) {
  const initialState: FormState = notice ?? initialFormState;
  const [state, action] = useActionState(signInAction, initialState);
  const autofill = usePasskeyAutofill(next);
  return (
    <form action={action} onSubmit={cancelPasskeyAutofill} className="mt-6 space-y-4" noValidate>
      <FormStatus state={autofill.message ? autofill : state} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        label="Email"
        name="email"
        type="email"
        // "webauthn": the browser may offer passkeys here too (usePasskeyAutofill).
        autoComplete="username webauthn"
        required
        defaultValue={state.values?.email}
        error={state.fieldErrors?.email}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <SubmitButton className="w-full" pendingLabel="Signing in…">
        Sign in
      </SubmitButton>
      <p className="text-center text-sm">
        <Link href="/login/forgot" className="font-medium text-brand-700 hover:underline">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}
