"use client";

import { useActionState } from "react";
import { addGroupMemberAction, updateGroupAction } from "@/app/(app)/admin/groups/actions";
import { grantHint, type GrantOption } from "@/components/role-group-choices";
import { SubmitButton } from "@/components/ui/button";
import { Choice, ChoiceGroup } from "@/components/ui/choice";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";
import type { GroupSummary } from "@/lib/data/groups";

export function GroupEditForm({
  group,
  roles,
}: {
  /** `editable` is false when the group carries, or its members hold, permissions the editor lacks. */
  group: Pick<GroupSummary, "id" | "name" | "roleIds" | "editable">;
  roles: Array<GrantOption & { requireTwoFactor: boolean }>;
}) {
  const [state, action] = useActionState(updateGroupAction, initialFormState);
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="group" value={group.id} />
      <fieldset disabled={!group.editable} className="space-y-4">
        <Field
          label="Name"
          id={`group-${group.id}-name`}
          name="name"
          defaultValue={group.name}
          required
          error={state.fieldErrors?.name}
          className="sm:max-w-xs"
        />
        <ChoiceGroup legend="Roles the group carries">
          {roles.map((role) => (
            <Choice
              key={role.id}
              id={`group-${group.id}-role-${role.id}`}
              type="checkbox"
              name={`role-${role.id}`}
              label={role.name}
              hint={grantHint(role, role.requireTwoFactor)}
              defaultChecked={group.roleIds.includes(role.id)}
              disabled={role.grantable === false}
            />
          ))}
        </ChoiceGroup>
        {group.editable ? <SubmitButton pendingLabel="Saving…">Save</SubmitButton> : null}
      </fieldset>
    </form>
  );
}

export function GroupMemberAddForm({ group }: { group: { id: number; name: string } }) {
  const [state, action] = useActionState(addGroupMemberAction, initialFormState);
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormStatus state={state} />
      <input type="hidden" name="group" value={group.id} />
      <div className="flex flex-wrap items-end gap-3">
        <Field
          label="Member email"
          id={`group-${group.id}-email`}
          name="email"
          type="email"
          defaultValue={state.values?.email}
          error={state.fieldErrors?.email}
          className="w-full sm:w-72"
        />
        <SubmitButton variant="secondary" pendingLabel="Adding…">
          Add member
        </SubmitButton>
      </div>
    </form>
  );
}
