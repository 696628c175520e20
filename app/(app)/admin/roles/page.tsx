import type { Metadata } from "next";
import { createRoleAction, deleteRoleAction } from "@/app/(app)/admin/roles/actions";
import { RoleEditForm } from "@/app/(app)/admin/roles/_components/role-edit-form";
import { RoleGroupCard, RoleGroupPage } from "@/components/role-group-card";
import { requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";
import { getRolesPage } from "@/lib/data/roles";
import { plural } from "@/lib/messages";

export const metadata: Metadata = { title: "Roles" };

const OUT_OF_REACH =
  "This role carries permissions you do not hold, or people who hold it do: only an administrator who holds them can change or delete it.";

export default async function RolesPage() {
  const { roles, heldPermissions } = await getRolesPage(await requirePermission("roles:manage"));
  return (
    <RoleGroupPage
      kind="role"
      intro="What people may do, and whether they must use two-factor authentication."
      createAction={createRoleAction}
    >
      {roles.map((role) => (
        <RoleGroupCard
          key={role.id}
          kind="role"
          item={role}
          description={plural(role.holders, "direct holder")}
          editable={role.editable}
          outOfReach={OUT_OF_REACH}
          deleteAction={deleteRoleAction}
          deleteConsequence={`Everyone who holds it, directly or through a group, loses its permissions${role.requireTwoFactor ? " and the two-factor requirement it sets" : ""}. This cannot be undone.`}
        >
          <RoleEditForm role={role} permissionLabels={PERMISSION_LABELS} heldPermissions={heldPermissions} />
        </RoleGroupCard>
      ))}
    </RoleGroupPage>
  );
}
