"use client";

import { useActionState, useId } from "react";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { registerPasskey } from "@/components/passkey-ceremony";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState, type FormState } from "@/lib/action";

type FormAction<Data = never> = (state: FormState<Data>, formData: FormData) => Promise<FormState<Data>>;

/**
 * "Add a passkey": the user names it, the server hands out options (after a
 * fresh confirmation of access where the action asks for one), the browser
 * runs the ceremony, and the server verifies and stores the answer. One form
 * state for the three steps, so every outcome lands in the same live region.
 */
export function PasskeyAddForm({
  startAction,
  finishAction,
}: {
  startAction: FormAction<{ options: PublicKeyCredentialCreationOptionsJSON }>;
  finishAction: FormAction;
}) {
  const [state, action] = useActionState(async (previous: FormState<unknown>, formData: FormData) => {
    const started = await startAction(previous as FormState<never>, formData);
    if (started.status !== "success" || !started.data) return started as FormState<unknown>;
    const ceremony = await registerPasskey(started.data.options);
    if (!ceremony.ok)
      return { status: "error", message: ceremony.message, values: started.values } as FormState<unknown>;
    const answer = new FormData();
    answer.set("name", String(formData.get("name") ?? ""));
    answer.set("response", ceremony.json);
    return (await finishAction(initialFormState, answer)) as FormState<unknown>;
  }, initialFormState as FormState<unknown>);
  // The profile has another "name" field (the account's): this one needs its own id.
  const id = useId();
  return (
    <form action={action} className="space-y-4 sm:max-w-sm" noValidate>
      <Field
        label="Passkey name"
        id={`${id}-passkey-name`}
        name="name"
        hint="So you can tell your passkeys apart, such as “Work laptop” or “Blue USB key”."
        maxLength={60}
        autoComplete="off"
        required
        key={state.status === "success" ? "added" : "adding"}
        defaultValue={state.status === "success" ? "" : (state.values?.name ?? "")}
        error={state.fieldErrors?.name}
      />
      <SubmitRow state={state}>
        <SubmitButton pendingLabel="Waiting for your passkey…">Add a passkey</SubmitButton>
      </SubmitRow>
    </form>
  );
}
