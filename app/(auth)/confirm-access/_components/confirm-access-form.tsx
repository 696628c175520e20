"use client";

import Link from "next/link";
import { useActionState } from "react";
import {
  confirmAccessAction,
  confirmAccessWithDuoAction,
  confirmAccessWithPasskeyAction,
  confirmAccessWithSsoAction,
  passkeyConfirmOptionsAction,
} from "@/app/(auth)/confirm-access/actions";
import { PasskeyAssertionForm } from "@/components/passkey-assertion-form";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/** The password, and a code when the user has a second factor. */
export function ConfirmAccessForm({ next, codeHint }: { next: string | null; codeHint: string | null }) {
  const [state, action] = useActionState(confirmAccessAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        autoFocus
        required
        error={state.fieldErrors?.password}
      />
      {codeHint !== null ? (
        <Field
          label="Code"
          name="code"
          autoComplete="one-time-code"
          inputMode="text"
          required
          hint={codeHint}
          error={state.fieldErrors?.code}
        />
      ) : null}
      <div className="flex items-center gap-4">
        <SubmitButton pendingLabel="Confirming…">Confirm</SubmitButton>
        <Link href={next ?? "/"} className="text-sm font-medium text-slate-700 hover:underline">
          Cancel
        </Link>
      </div>
    </form>
  );
}

/** SSO users confirm at their identity provider. */
export function ConfirmAccessWithSsoForm({ next }: { next: string | null }) {
  const [state, action] = useActionState(confirmAccessWithSsoAction, initialFormState);
  return (
    <form action={action} className="mt-6 space-y-4" noValidate>
      <FormStatus state={state} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <SubmitButton pendingLabel="Opening your identity provider…">Confirm with SSO</SubmitButton>
    </form>
  );
}

/** People whose second factor is Duo: the password, then an approval in Duo. */
export function ConfirmAccessWithDuoForm({ next, idPrefix = "duo" }: { next: string | null; idPrefix?: string }) {
  const [state, action] = useActionState(confirmAccessWithDuoAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
      <Field
        label="Password"
        id={`${idPrefix}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <SubmitButton pendingLabel="Opening Duo…">Continue with Duo</SubmitButton>
    </form>
  );
}

/** People with a passkey: the password, then the passkey in place of a code. */
export function ConfirmAccessWithPasskeyForm({ next }: { next: string | null }) {
  return (
    <PasskeyAssertionForm
      optionsAction={passkeyConfirmOptionsAction}
      verifyAction={confirmAccessWithPasskeyAction}
      label="Confirm with a passkey"
      variant="secondary"
      className="space-y-4"
    >
      {(state) => (
        <>
          {next ? <input type="hidden" name="next" value={next} /> : null}
          <Field
            label="Password"
            id="passkey-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={state.fieldErrors?.password}
          />
        </>
      )}
    </PasskeyAssertionForm>
  );
}
