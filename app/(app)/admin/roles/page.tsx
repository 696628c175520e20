import { RowActionForm } from "@/components/row-action-form";
import type { Metadata } from "next";
import { createRoleAction, deleteRoleAction } from "@/app/(app)/admin/roles/actions";
import { NameCreateForm } from "@/components/name-create-form";
import { RoleEditForm } from "@/app/(app)/admin/roles/_components/role-edit-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db";
import { listRoles } from "@/lib/admin/access-model";
import { accessReach } from "@/lib/admin/delegated-change";
import { requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Roles" };

const OUT_OF_REACH = "This role carries permissions you do not hold, or people who hold it do: only an administrator who holds them can change or delete it.";

export default async function RolesPage() {
  const { organisation, user } = await requirePermission("roles:manage");
  const roles = listRoles(getDb(), organisation.id);
  const reach = accessReach(getDb(), organisation.id, user.id);
  const heldPermissions = [...reach.actor];
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
          {reach.mayEditRole(role.id) ? null : (
            <div className="mb-4">
              <Notice>{OUT_OF_REACH}</Notice>
            </div>
          )}
          <RoleEditForm role={role} permissionLabels={PERMISSION_LABELS} heldPermissions={heldPermissions} editable={reach.mayEditRole(role.id)} />
          {reach.mayEditRole(role.id) ? (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <RowActionForm
                action={deleteRoleAction}
                fields={{ role: role.id }}
                label="Delete role"
                accessibleName={`Delete role ${role.name}`}
                variant="danger"
                pendingLabel="Deleting…"
                confirmation={{
                  title: `Delete the role “${role.name}”?`,
                  consequence: `Everyone who holds it, directly or through a group, loses its permissions${role.requireTwoFactor ? " and the two-factor requirement it sets" : ""}. This cannot be undone.`,
                  confirmLabel: "Delete",
                }}
              />
            </div>
          ) : null}
        </Card>
      ))}
    </div>
  );
}
