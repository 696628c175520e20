import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { deleteRoleAction } from "@/app/(app)/admin/roles/actions";
import { RoleEditForm } from "@/app/(app)/admin/roles/_components/role-edit-form";
import { RoleHolders } from "@/app/(app)/admin/roles/_components/role-holders";
import { RequiresTwoFactorBadge } from "@/app/(app)/admin/roles/_components/roles-table";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { requirePermission } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";
import { getRolePage } from "@/lib/data/roles";
import { plural } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

export const metadata: Metadata = { title: "Role" };

const OUT_OF_REACH =
  "This role carries permissions you do not hold, or people who hold it do: only an administrator who holds them can change or delete it.";

export default async function RolePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const current = await requirePermission("roles:manage");
  const id = databaseId().safeParse((await params).id);
  // Another organisation's role is simply not found, like one that never existed.
  const page = id.success ? await getRolePage(current, id.data) : null;
  if (!page) notFound();
  const { role, holderList, heldPermissions } = page;
  const justCreated = (await searchParams).created === "1";

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/roles" className="text-sm font-medium text-brand-700 hover:underline">
          ← All roles
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">{role.name}</h1>
          {role.requireTwoFactor ? <RequiresTwoFactorBadge /> : null}
        </div>
        <p className="mt-1 text-sm text-slate-600">{plural(role.holders, "holder")}, directly or through a group.</p>
      </div>
      {justCreated ? (
        <div role="status">
          <p className="rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            Role “{role.name}” created. Choose what it allows, then save.
          </p>
        </div>
      ) : null}
      {role.editable ? null : <Notice>{OUT_OF_REACH}</Notice>}
      <Card title="Permissions and two-factor" id={`role-${role.id}`}>
        <RoleEditForm role={role} permissionLabels={PERMISSION_LABELS} heldPermissions={heldPermissions} />
      </Card>
      <Card title="Holders" id="holders" description="Everyone who holds this role, and how.">
        {holderList ? (
          <RoleHolders holders={holderList} />
        ) : (
          <p className="text-sm text-slate-600">
            {role.holders === 1 ? "1 person holds" : `${role.holders} people hold`} this role. Seeing who needs the
            permission to read users.
          </p>
        )}
      </Card>
      {role.editable ? (
        <Card title="Delete this role" id="delete-role">
          <RowActionForm
            action={deleteRoleAction}
            fields={{ role: role.id }}
            label="Delete role"
            accessibleName={`Delete role ${role.name}`}
            variant="danger"
            pendingLabel="Deleting…"
            className="flex flex-col items-start gap-2"
            confirmation={{
              title: `Delete the role “${role.name}”?`,
              consequence: `Everyone who holds it, directly or through a group, loses its permissions${role.requireTwoFactor ? " and the two-factor requirement it sets" : ""}. This cannot be undone.`,
              confirmLabel: "Delete",
            }}
          />
        </Card>
      ) : null}
    </div>
  );
}
