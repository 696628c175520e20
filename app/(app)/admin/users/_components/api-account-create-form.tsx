"use client";

import { useActionState } from "react";
import { createApiAccountAction } from "@/app/(app)/admin/users/api-account-actions";
import { RoleGroupChoices, type GrantOption } from "@/components/role-group-choices";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";
import { NAME_MAX_LENGTH } from "@/lib/name-limits";

/** "New API account": a service account for a program, made directly; no invitation goes to a bot's address. */
export function ApiAccountCreateForm({
  roles,
  groups,
}: {
  roles: Array<GrantOption & { requireTwoFactor: boolean }>;
  groups: GrantOption[];
}) {
  const [state, action] = useActionState(createApiAccountAction, initialFormState);
  return (
    <Reveal label="New API account">
      {(close) => (
        <form
          action={action}
          aria-labelledby="api-account-title"
          className="w-full space-y-5 rounded-xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6"
          noValidate
        >
          <div>
            <h2 id="api-account-title" className="text-base font-semibold text-slate-900">
              New API account
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              For a program that calls the API with tokens. It has no password, never signs in to this web interface and
              gets no email. Its page opens next, to create a token.
            </p>
          </div>
          <Field
            label="Name"
            name="name"
            id="api-account-name"
            autoComplete="off"
            autoFocus
            required
            maxLength={NAME_MAX_LENGTH}
            hint="Say which program uses it, such as “Billing sync”."
            defaultValue={state.values?.name}
            error={state.fieldErrors?.name}
            className="sm:max-w-sm"
          />
          <RoleGroupChoices
            roles={roles}
            groups={groups}
            idPrefix="api-account-"
            isChecked={(kind, id) => state.values?.[`${kind}-${id}`] === "on"}
          />
          <div className="flex flex-wrap items-center gap-4">
            <SubmitButton pendingLabel="Creating…">Create API account</SubmitButton>
            <button type="button" onClick={close} className="text-sm font-medium text-slate-700 hover:underline">
              Close
            </button>
          </div>
          <FormStatus state={state} />
        </form>
      )}
    </Reveal>
  );
}
