"use client";

import { useActionState } from "react";
import { inviteAction } from "@/app/(app)/admin/users/invitation-actions";
import { RoleGroupChoices, type GrantOption } from "@/components/role-group-choices";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState } from "@/lib/action";

/** "Invite people": one address, and the roles and groups the person starts with. */
export function InvitationCreateForm({
  roles,
  groups,
}: {
  roles: Array<GrantOption & { requireTwoFactor: boolean }>;
  groups: GrantOption[];
}) {
  const [state, action] = useActionState(inviteAction, initialFormState);
  return (
    <Reveal label="Invite people" variant="primary">
      {(close) => (
        <form
          action={action}
          aria-labelledby="invite-title"
          className="space-y-5 rounded-xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6"
          noValidate
        >
          <div>
            <h2 id="invite-title" className="text-base font-semibold text-slate-900">
              Invite people
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              They get an email with a link, valid for 7 days, to choose their name and password.
            </p>
          </div>
          <FormStatus state={state} />
          <Field
            label="Email address"
            name="email"
            id="invite-email"
            type="email"
            autoComplete="off"
            autoFocus
            required
            defaultValue={state.values?.email}
            error={state.fieldErrors?.email}
            className="sm:max-w-sm"
          />
          <RoleGroupChoices
            roles={roles}
            groups={groups}
            idPrefix="invite-"
            isChecked={(kind, id) => state.values?.[`${kind}-${id}`] === "on"}
          />
          <div className="flex items-center gap-4">
            <SubmitButton pendingLabel="Sending…">Send invitation</SubmitButton>
            <button type="button" onClick={close} className="text-sm font-medium text-slate-700 hover:underline">
              Close
            </button>
          </div>
        </form>
      )}
    </Reveal>
  );
}
