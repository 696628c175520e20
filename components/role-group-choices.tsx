import { Choice, ChoiceGroup } from "@/components/ui/choice";

type Option = { id: number; name: string };

/**
 * A checkbox per role and per group, named `role-<id>` and `group-<id>` (see
 * idsFromCheckboxes); `idPrefix` keeps ids unique when a page has two sets.
 */
export function RoleGroupChoices({
  roles,
  groups,
  isChecked,
  idPrefix = "",
}: {
  roles: Array<Option & { requireTwoFactor: boolean }>;
  groups: Option[];
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
            hint={role.requireTwoFactor ? "Requires two-factor authentication" : undefined}
            defaultChecked={isChecked("role", role.id)}
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
            defaultChecked={isChecked("group", group.id)}
          />
        ))}
      </ChoiceGroup>
    </div>
  );
}
