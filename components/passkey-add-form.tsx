"use client";

import { startTransition, useActionState, useId, useState } from "react";
import { useRouter } from "next/navigation";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/browser";
import { registerPasskey } from "@/components/passkey-ceremony";
import { RecoveryCodesList } from "@/components/recovery-codes-list";
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
 * With a first passkey the server may hand back recovery codes: they are shown
 * once, as enrolling an authenticator app shows them, and `doneAction` (at
 * required setup: finishing the sign-in) runs once they are saved.
 */
export function PasskeyAddForm({
  startAction,
  finishAction,
  doneAction,
}: {
  startAction: FormAction<{ options: PublicKeyCredentialCreationOptionsJSON }>;
  finishAction: FormAction<{ recoveryCodes: string[] | null }>;
  doneAction?: () => Promise<void>;
}) {
  const router = useRouter();
  // Saving the codes starts a fresh form, so the codes are never shown twice.
  const [generation, setGeneration] = useState(0);
  const onSaved = () =>
    startTransition(() => {
      if (doneAction) return doneAction();
      setGeneration((previous) => previous + 1);
      router.refresh();
    });
  return <AddForm key={generation} startAction={startAction} finishAction={finishAction} onSaved={onSaved} />;
}

function AddForm({
  startAction,
  finishAction,
  onSaved,
}: {
  startAction: FormAction<{ options: PublicKeyCredentialCreationOptionsJSON }>;
  finishAction: FormAction<{ recoveryCodes: string[] | null }>;
  onSaved: () => void;
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
  const id = useId();
  const recoveryCodes = (state.data as { recoveryCodes?: string[] | null } | undefined)?.recoveryCodes;
  if (state.status === "success" && recoveryCodes) {
    return (
      <div className="space-y-4">
        <p role="status" className="text-sm font-medium text-emerald-800">
          {state.message}
        </p>
        <RecoveryCodesList codes={recoveryCodes} onDone={onSaved} />
      </div>
    );
  }
  // The profile has another "name" field (the account's): this one needs its own id.
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
