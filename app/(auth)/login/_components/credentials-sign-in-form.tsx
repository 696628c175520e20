"use client";

import Link from "next/link";
import { useActionState, useState } from "react";
import { passwordlessOptionsAction, passwordlessSignInAction, signInAction } from "@/app/(auth)/login/actions";
import { proveWithPasskey } from "@/components/passkey-assertion-form";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";
import { cancelPasskeyAutofill, usePasskeyAutofill } from "@/app/(auth)/login/_components/passkey-autofill";

export type SignInNotice = { status: "error" | "success"; message: string };

/** `next`: a safe same-site path to return to once signed in (checked again by the action). */
export function CredentialsSignInForm({ notice, next }: { notice?: SignInNotice; next?: string | null }) {
  const initialState: FormState = notice ?? initialFormState;
  // The passkey's last answer (button or autofill); null once the password form is used again.
  const [passkeyAnswer, setPasskeyAnswer] = useState<FormState | null>(null);
  const [state, action] = useActionState(async (previous: FormState, formData: FormData) => {
    setPasskeyAnswer(null);
    return await signInAction(previous, formData);
  }, initialState);
  const [, passkeyAction] = useActionState(async (_previous: FormState<unknown>, formData: FormData) => {
    const answer = await proveWithPasskey(passwordlessOptionsAction, passwordlessSignInAction, formData);
    setPasskeyAnswer(answer as FormState);
    return answer;
  }, initialFormState as FormState<unknown>);
  usePasskeyAutofill(next, setPasskeyAnswer);
  return (
    <>
      <form action={action} onSubmit={cancelPasskeyAutofill} className="mt-6 space-y-4" noValidate>
        {/* One live region for every way of signing in here: the password, the passkey button, the autofill. */}
        <FormStatus state={passkeyAnswer ?? state} />
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
      <div className="mt-6">
        <p className="mb-4 flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200">
          or
        </p>
        {/* "Sign in with a passkey": a discoverable credential with user verification, no password. */}
        <form action={passkeyAction} noValidate>
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <SubmitButton variant="secondary" className="w-full" pendingLabel="Waiting for your passkey…">
            Sign in with a passkey
          </SubmitButton>
        </form>
      </div>
    </>
  );
}
