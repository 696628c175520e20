"use client";

import { useActionState } from "react";
import { previewRoleAction, updateRoleAction } from "@/app/(app)/admin/roles/actions";
import { useEnforcementConfirmation } from "@/components/enforcement-confirmation";
import { SubmitButton } from "@/components/ui/button";
import { Choice, ChoiceGroup } from "@/components/ui/choice";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import type { Permission, RoleSummary } from "@/lib/data/roles";

export function RoleEditForm({
  role,
  permissionLabels,
  heldPermissions,
}: {
  /** `editable` is false when the role carries, or its holders hold, permissions the editor lacks. */
  role: Pick<RoleSummary, "id" | "name" | "permissions" | "requireTwoFactor" | "requirePhishingResistant" | "editable">;
  permissionLabels: Record<Permission, string>;
  /** The editor's own permissions: only these can be given (lib/admin/delegation.ts). */
  heldPermissions: Permission[];
}) {
  const [state, action] = useActionState(updateRoleAction, initialFormState);
  const field = (name: string) => `role-${role.id}-${name}`;
  const confirmation = useEnforcementConfirmation({
    preview: previewRoleAction,
    // A box newly ticked: the role's holders may become required, or lose a method.
    tightens: (form) => {
      const ticked = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;
      return (
        (!role.requireTwoFactor && ticked("requireTwoFactor")) ||
        (!role.requirePhishingResistant && ticked("requirePhishingResistant"))
      );
    },
    title: `Apply the two-factor settings of “${role.name}”?`,
    confirmLabel: "Confirm and save",
  });
  return (
    <form action={action} onSubmit={confirmation.onSubmit} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="role" value={role.id} />
      <fieldset disabled={!role.editable} className="space-y-4">
        <Field
          label="Name"
          id={field("name")}
          name="name"
          defaultValue={role.name}
          required
          error={state.fieldErrors?.name}
          className="sm:max-w-xs"
        />
        <ChoiceGroup legend="Permissions">
          <div className="grid gap-2 sm:grid-cols-2">
            {(Object.keys(permissionLabels) as Permission[]).map((permission) => (
              <Choice
                key={permission}
                id={field(permission)}
                type="checkbox"
                name={`permission-${permission}`}
                label={permissionLabels[permission]}
                hint={
                  heldPermissions.includes(permission)
                    ? undefined
                    : "You do not hold this permission, so you cannot give it"
                }
                defaultChecked={role.permissions.includes(permission)}
                disabled={!heldPermissions.includes(permission)}
              />
            ))}
          </div>
        </ChoiceGroup>
        <Choice
          id={field("require-two-factor")}
          type="checkbox"
          name="requireTwoFactor"
          label="Require two-factor authentication"
          hint="Everyone holding this role, directly or through a group, must use a second factor."
          defaultChecked={role.requireTwoFactor}
        />
        <Choice
          id={field("require-phishing-resistant")}
          type="checkbox"
          name="requirePhishingResistant"
          label="Phishing-resistant methods only"
          hint="Its holders must sign in with a passkey or security key (or SSO); authenticator codes, text message and email codes and Duo are refused. Implies “Require two-factor authentication”."
          defaultChecked={role.requirePhishingResistant}
        />
        {role.editable ? <SubmitButton pendingLabel="Saving…">Save</SubmitButton> : null}
      </fieldset>
      {role.editable ? confirmation.dialog : null}
    </form>
  );
}
