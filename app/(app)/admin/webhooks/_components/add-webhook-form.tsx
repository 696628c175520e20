"use client";

import { useActionState } from "react";
import { createWebhookAction, type SecretShown } from "@/app/(app)/admin/webhooks/actions";
import { SecretOnce } from "@/app/(app)/admin/webhooks/_components/secret-once";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState, type FormState } from "@/lib/action";

export function AddWebhookForm() {
  const [state, action] = useActionState(createWebhookAction, initialFormState as FormState<SecretShown>);
  return (
    <div className="space-y-4">
      {/* Keyed on the secret: after a success the fields start empty. */}
      <form action={action} className="space-y-4" key={state.data?.secret ?? "form"}>
        <Field
          label="URL"
          name="url"
          type="url"
          inputMode="url"
          placeholder="https://siem.example.com/twofold"
          hint="https only. Each audit event is POSTed here as JSON."
          defaultValue={state.values?.url}
          error={state.fieldErrors?.url}
          required
        />
        <Field
          label="Description"
          name="description"
          hint="Optional: what receives it."
          defaultValue={state.values?.description}
          error={state.fieldErrors?.description}
        />
        <SubmitRow state={state}>
          <SubmitButton pendingLabel="Adding…">Add webhook</SubmitButton>
        </SubmitRow>
      </form>
      {state.status === "success" && state.data ? <SecretOnce secret={state.data.secret} /> : null}
    </div>
  );
}
