"use client";

import { useActionState } from "react";
import { updateUserAction } from "@/app/(app)/admin/users/[id]/actions";
import { SubmitButton } from "@/components/ui/button";
import { RoleGroupChoices, type GrantOption } from "@/components/role-group-choices";
import { Choice, RadioGroup, type RadioOption } from "@/components/ui/choice";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import { REQUIREMENT_CHOICE_LABELS } from "@/lib/two-factor/policy/requirement-labels";

const CODE_DELIVERY_OPTIONS = [
  {
    value: "auto",
    label: "Automatic",
    hint: "By text message when the user has a verified mobile number, else by email.",
  },
  {
    value: "sms",
    label: "SMS only",
    hint: "Needs a verified mobile number; still falls back to email when a text cannot be sent.",
  },
  { value: "email", label: "Email only", hint: "Never by text message." },
] as const;

const REQUIREMENTS: readonly RadioOption[] = [
  {
    value: "default",
    label: REQUIREMENT_CHOICE_LABELS.default,
    hint: "Follow the roles and the organisation’s policy.",
  },
  { value: "required", label: REQUIREMENT_CHOICE_LABELS.required },
  {
    value: "phishing_resistant",
    label: REQUIREMENT_CHOICE_LABELS.phishing_resistant,
    hint: "A passkey or security key; authenticator codes, text message and email codes and Duo are refused.",
  },
  { value: "optional", label: REQUIREMENT_CHOICE_LABELS.optional },
  { value: "disabled", label: REQUIREMENT_CHOICE_LABELS.disabled, hint: "Never ask this user for a second factor." },
];

export function AdminUserForm({
  user,
  roles,
  groups,
  canManage,
}: {
  user: {
    id: number;
    twoFactorRequirement: string;
    codeDelivery: string;
    isApiAccount: boolean;
    hasOwnFactor: boolean;
    roleIds: number[];
    groupIds: number[];
  };
  roles: Array<GrantOption & { requireTwoFactor: boolean }>;
  groups: GrantOption[];
  canManage: boolean;
}) {
  const [state, action] = useActionState(updateUserAction, initialFormState);
  // The boxes start from the stored values. When those change (this Save, or
  // another action such as a reset), the fields are rebuilt from them: an
  // uncontrolled checkbox would otherwise keep showing what it showed before.
  // The form itself, and so the answer beside Save, stays.
  const version = [
    user.twoFactorRequirement,
    user.codeDelivery,
    user.isApiAccount,
    user.hasOwnFactor,
    user.roleIds.join(","),
    user.groupIds.join(","),
  ].join("|");
  return (
    <form action={action} className="space-y-6" noValidate>
      <input type="hidden" name="user" value={user.id} />
      {/* A fieldset disables every control at once for admins who may only read. */}
      <fieldset key={version} disabled={!canManage} className="space-y-6">
        <RoleGroupChoices
          roles={roles}
          groups={groups}
          isChecked={(kind, id) => (kind === "role" ? user.roleIds : user.groupIds).includes(id)}
        />
        <RadioGroup
          legend="Two-factor requirement"
          name="requirement"
          options={REQUIREMENTS}
          defaultValue={user.twoFactorRequirement}
        />
        <RadioGroup
          legend="Code delivery"
          name="codeDelivery"
          options={CODE_DELIVERY_OPTIONS}
          defaultValue={user.codeDelivery}
        />
        <div className="space-y-3">
          <Choice
            id="two-factor-enabled"
            type="checkbox"
            name="twoFactorEnabled"
            label="Two-factor authentication enabled"
            hint={
              user.hasOwnFactor
                ? "Untick to turn it off, for someone who lost their phone. Only the user can turn it on."
                : "The user has not set up a second factor. Only they can turn it on."
            }
            defaultChecked={user.hasOwnFactor}
            disabled={!user.hasOwnFactor}
          />
          {user.hasOwnFactor ? <input type="hidden" name="twoFactorWasEnabled" value="on" /> : null}
          <Choice
            id="api-account"
            type="checkbox"
            name="apiAccount"
            label="API account"
            hint="For programs: exempt from two-factor authentication, and never able to sign in to this web interface."
            defaultChecked={user.isApiAccount}
          />
        </div>
      </fieldset>
      {canManage ? (
        // The answer beside the button, where the eye is after pressing it.
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
          <FormStatus state={state} />
        </div>
      ) : (
        <FormStatus state={state} />
      )}
    </form>
  );
}
