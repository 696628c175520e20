"use client";

import { useActionState, type ReactNode } from "react";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { assertWithPasskey } from "@/components/passkey-ceremony";
import { SubmitButton } from "@/components/ui/button";
import { SharedFormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

type FormAction<Data = never> = (state: FormState<Data>, formData: FormData) => Promise<FormState<Data>>;

/**
 * The three steps of proving who you are with a passkey: options from the
 * server, the browser's ceremony, the answer back to the server with the
 * form's other fields. Returns the server's answer or the browser's refusal.
 */
export async function proveWithPasskey(
  optionsAction: FormAction<{ options: PublicKeyCredentialRequestOptionsJSON }>,
  verifyAction: FormAction,
  formData: FormData,
): Promise<FormState<unknown>> {
  const started = await optionsAction(initialFormState as FormState<never>, new FormData());
  if (started.status !== "success" || !started.data) return started as FormState<unknown>;
  const ceremony = await assertWithPasskey(started.data.options);
  if (!ceremony.ok) return { status: "error", message: ceremony.message };
  formData.set("response", ceremony.json);
  return (await verifyAction(initialFormState, formData)) as FormState<unknown>;
}

/**
 * A button that proves who you are with a passkey: the server hands out
 * options, the browser asks the passkey, and the server checks the answer
 * (and redirects on success). The form's other fields (such as "Remember this
 * browser") travel with the answer.
 */
export function PasskeyAssertionForm({
  optionsAction,
  verifyAction,
  label,
  children,
  variant = "primary",
  className = "mt-6 space-y-4",
  reportStatus,
}: {
  optionsAction: FormAction<{ options: PublicKeyCredentialRequestOptionsJSON }>;
  verifyAction: FormAction;
  label: string;
  /** Fields sent with the answer; a function gets the form state, for their errors. */
  children?: ReactNode | ((state: FormState<unknown>) => ReactNode);
  variant?: "primary" | "secondary";
  className?: string;
  /** Where the page shows one status region for this form and others (SharedFormStatus). */
  reportStatus?: (state: FormState<unknown>) => void;
}) {
  const [state, action] = useActionState(
    (_previous: FormState<unknown>, formData: FormData) => proveWithPasskey(optionsAction, verifyAction, formData),
    initialFormState as FormState<unknown>,
  );
  return (
    <form action={action} className={className} noValidate>
      <SharedFormStatus state={state} report={reportStatus} />
      {typeof children === "function" ? children(state) : children}
      <SubmitButton variant={variant} className="w-full" pendingLabel="Waiting for your passkey…">
        {label}
      </SubmitButton>
    </form>
  );
}
