"use client";

import { useActionState, useState } from "react";
import { createApiTokenAction } from "@/app/(app)/admin/users/[id]/api-token-actions";
import { buttonClasses, SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/** "Token name" and "Create token"; the new token is shown here once, and never again. */
export function ApiTokenCreateForm({ userId }: { userId: number }) {
  const [state, action] = useActionState(createApiTokenAction, initialFormState);
  const [copied, setCopied] = useState<string | null>(null);
  const created = state.status === "success" ? state.data : undefined;

  async function copy(token: string) {
    await navigator.clipboard.writeText(token);
    setCopied(token);
  }

  return (
    <div className="space-y-4">
      <form action={action} className="space-y-3" noValidate>
        <FormStatus state={state} />
        <input type="hidden" name="user" value={userId} />
        <div className="flex flex-wrap items-end gap-3">
          <Field
            label="Token name"
            name="name"
            id="api-token-name"
            hint="Say which program uses it, so you know what breaks when you revoke it."
            required
            maxLength={100}
            autoComplete="off"
            defaultValue={state.status === "error" ? state.values?.name : undefined}
            error={state.fieldErrors?.name}
            className="w-80"
          />
          <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
        </div>
      </form>
      {created ? (
        <div className="space-y-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">Copy the token “{created.name}” now: it will not be shown again.</p>
          <p>
            Only its hash is kept. Send it as “Authorization: Bearer &lt;token&gt;”. If it is lost, revoke it and create
            another.
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <Field
              label="New API token"
              name="new-api-token"
              id="new-api-token"
              readOnly
              value={created.token}
              onFocus={(event) => event.currentTarget.select()}
              className="min-w-0 flex-1 [&_input]:font-mono"
            />
            <button type="button" className={buttonClasses("secondary")} onClick={() => copy(created.token)}>
              Copy token
            </button>
          </div>
          <p aria-live="polite" className="text-emerald-800">
            {copied === created.token ? "Copied to the clipboard." : ""}
          </p>
        </div>
      ) : null}
    </div>
  );
}
