"use client";

import { useActionState } from "react";
import { rotateWebhookSecretAction, type SecretShown } from "@/app/(app)/admin/webhooks/actions";
import { SecretOnce } from "@/app/(app)/admin/webhooks/_components/secret-once";
import { SubmitButton } from "@/components/ui/button";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState, type FormState } from "@/lib/action";

export function RotateSecretForm({ webhookId }: { webhookId: number }) {
  const [state, action] = useActionState(rotateWebhookSecretAction, initialFormState as FormState<SecretShown>);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="webhook" value={webhookId} />
      <SubmitRow state={state}>
        <SubmitButton variant="secondary" pendingLabel="Rotating…">
          Rotate secret
        </SubmitButton>
      </SubmitRow>
      {state.status === "success" && state.data ? <SecretOnce secret={state.data.secret} /> : null}
    </form>
  );
}
