"use client";

import { useActionState } from "react";
import { deleteWebhookAction } from "@/app/(app)/admin/webhooks/actions";
import { SubmitButton } from "@/components/ui/button";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState } from "@/lib/action";

export function DeleteWebhookForm({ webhookId }: { webhookId: number }) {
  const [state, action] = useActionState(deleteWebhookAction, initialFormState);
  const error = state.fieldErrors?.confirm;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="webhook" value={webhookId} />
      <div className="flex items-start gap-3">
        <input
          id="confirm-delete-webhook"
          name="confirm"
          type="checkbox"
          value="yes"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "confirm-delete-webhook-error" : undefined}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-red-600 focus:ring-red-500"
        />
        <label htmlFor="confirm-delete-webhook" className="text-sm text-slate-800">
          I understand that this webhook and its delivery log are deleted, and undelivered events are not sent
        </label>
      </div>
      {error ? (
        <p id="confirm-delete-webhook-error" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      <SubmitRow state={state}>
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          Delete webhook
        </SubmitButton>
      </SubmitRow>
    </form>
  );
}
