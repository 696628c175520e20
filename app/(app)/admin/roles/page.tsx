import type { Metadata } from "next";
import { createRoleAction } from "@/app/(app)/admin/roles/actions";
import { RolesTable } from "@/app/(app)/admin/roles/_components/roles-table";
import { RoleGroupPage } from "@/components/role-group-card";
import { requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";
import { isDatabaseId } from "@/lib/database-id";
import { deletedRoleName, getRolesPage } from "@/lib/data/roles";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("roles:manage");
  const { roles } = await getRolesPage(current);
  // After a deletion (the role's page sends people here): named from the audit log, never from the address.
  const deletedId = Number((await searchParams).deleted);
  const deleted = isDatabaseId(deletedId) ? await deletedRoleName(current, deletedId) : null;
  return (
    <RoleGroupPage
      kind="role"
      intro="What people may do, and whether they must use two-factor authentication. Open a role to change it."
      createAction={createRoleAction}
      notice={
        deleted ? (
          <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            Role “{deleted}” deleted.
          </p>
        ) : null
      }
    >
      <RolesTable roles={roles} permissionLabels={PERMISSION_LABELS} />
    </RoleGroupPage>
  );
}
