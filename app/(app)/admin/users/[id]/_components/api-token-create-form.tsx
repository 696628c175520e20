"use client";

import { useActionState, useState } from "react";
import { createApiTokenAction } from "@/app/(app)/admin/users/[id]/api-token-actions";
import { buttonClasses, SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import { TOKEN_EXPIRY_CHOICES, TOKEN_EXPIRY_LABELS } from "@/lib/api/token-expiry";

const SELECT_CLASSES =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none";

/** "Token name", "Expires" and "Create token"; the new token is shown here once, and never again. */
export function ApiTokenCreateForm({ userId }: { userId: number }) {
  const [state, action] = useActionState(createApiTokenAction, initialFormState);
  const [copied, setCopied] = useState<string | null>(null);
  const echoed = state.status === "error" ? state.values : undefined;
  const [expires, setExpires] = useState(echoed?.expires ?? "90");
  const created = state.status === "success" ? state.data : undefined;

  async function copy(token: string) {
    await navigator.clipboard.writeText(token);
    setCopied(token);
  }

  return (
    <div className="space-y-4">
      <form action={action} className="space-y-3" noValidate>
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
            defaultValue={echoed?.name}
            error={state.fieldErrors?.name}
            className="w-full sm:w-80"
          />
          <div className="w-full sm:w-44">
            <label htmlFor="api-token-expires" className="block text-sm font-medium text-slate-800">
              Expires
            </label>
            <select
              id="api-token-expires"
              name="expires"
              value={expires}
              onChange={(event) => setExpires(event.currentTarget.value)}
              className={SELECT_CLASSES}
            >
              {TOKEN_EXPIRY_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {TOKEN_EXPIRY_LABELS[choice]}
                </option>
              ))}
            </select>
          </div>
          {expires === "date" ? (
            <Field
              label="Expiry date"
              name="expiresOn"
              id="api-token-expires-on"
              type="date"
              required
              defaultValue={echoed?.expiresOn}
              error={state.fieldErrors?.expiresOn}
              className="w-full sm:w-48"
            />
          ) : null}
          <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
        </div>
        {/* Beside the button, where the eye is after pressing it. */}
        <FormStatus state={state} />
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
