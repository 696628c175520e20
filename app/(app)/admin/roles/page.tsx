import type { Metadata } from "next";
import { createRoleAction, deleteRoleAction } from "@/app/(app)/admin/roles/actions";
import { NameCreateForm } from "@/components/name-create-form";
import { RoleEditForm } from "@/components/role-edit-form";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { listRoles } from "@/lib/admin/access-model";
import { requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Roles" };

export default async function RolesPage() {
  const { organisation } = await requirePermission("roles:manage");
  const roles = listRoles(getDb(), organisation.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Roles</h1>
        <p className="mt-1 text-sm text-slate-600">What people may do, and whether they must use two-factor authentication.</p>
      </div>
      <Card title="New role" id="new-role">
        <NameCreateForm action={createRoleAction} label="Role name" submitLabel="Create role" />
      </Card>
      {roles.map((role) => (
        <Card key={role.id} title={role.name} id={`role-${role.id}`} description={`${role.holders} direct holder${role.holders === 1 ? "" : "s"}`}>
          <RoleEditForm role={role} permissionLabels={PERMISSION_LABELS} />
          <div className="mt-4 border-t border-slate-100 pt-4">
            <RowActionForm action={deleteRoleAction} fields={{ role: role.id }} label="Delete role" accessibleName={`Delete role ${role.name}`} variant="danger" pendingLabel="Deleting…" />
          </div>
        </Card>
      ))}
    </div>
  );
}
