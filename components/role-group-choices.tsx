import { Choice, ChoiceGroup } from "@/components/ui/choice";

/** `grantable: false`: the actor may not give it (lib/admin/delegation.ts). */
export type GrantOption = { id: number; name: string; grantable?: boolean };

/** Why a role or group cannot be ticked: the actor may give only what they hold (lib/admin/delegation.ts). */
export const BEYOND_YOUR_PERMISSIONS = "Carries permissions you do not hold";

/** The line under a role's or group's checkbox: why it cannot be given, and whether it requires 2FA. */
export function grantHint(option: GrantOption, requireTwoFactor = false): string | undefined {
  const notes = [
    option.grantable === false ? BEYOND_YOUR_PERMISSIONS : null,
    requireTwoFactor ? "Requires two-factor authentication" : null,
  ];
  return notes.filter(Boolean).join(". ") || undefined;
}

/**
 * A checkbox per role and per group, named `role-<id>` and `group-<id>` (see
 * idsFromCheckboxes); `idPrefix` keeps ids unique when a page has two sets.
 * Roles and groups the actor may not give are shown, disabled, with why.
 */
export function RoleGroupChoices({
  roles,
  groups,
  isChecked,
  idPrefix = "",
}: {
  roles: Array<GrantOption & { requireTwoFactor: boolean }>;
  groups: GrantOption[];
  isChecked: (kind: "role" | "group", id: number) => boolean;
  idPrefix?: string;
}) {
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      <ChoiceGroup legend="Roles">
        {roles.map((role) => (
          <Choice
            key={role.id}
            id={`${idPrefix}role-${role.id}`}
            type="checkbox"
            name={`role-${role.id}`}
            label={role.name}
            hint={grantHint(role, role.requireTwoFactor)}
            defaultChecked={isChecked("role", role.id)}
            disabled={role.grantable === false}
          />
        ))}
      </ChoiceGroup>
      <ChoiceGroup legend="Groups">
        {groups.length === 0 ? <p className="text-sm text-slate-600">No groups yet.</p> : null}
        {groups.map((group) => (
          <Choice
            key={group.id}
            id={`${idPrefix}group-${group.id}`}
            type="checkbox"
            name={`group-${group.id}`}
            label={group.name}
            hint={grantHint(group)}
            defaultChecked={isChecked("group", group.id)}
            disabled={group.grantable === false}
          />
        ))}
      </ChoiceGroup>
    </div>
  );
}
