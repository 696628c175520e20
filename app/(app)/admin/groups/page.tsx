import type { Metadata } from "next";
import Link from "next/link";
import { createGroupAction, deleteGroupAction, removeGroupMemberAction } from "@/app/(app)/admin/groups/actions";
import { GroupEditForm, GroupMemberAddForm } from "@/app/(app)/admin/groups/_components/group-edit-form";
import { NameCreateForm } from "@/components/name-create-form";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/notice";
import { getDb } from "@/db";
import { listGroups, listRoles } from "@/lib/admin/access-model";
import { accessReach } from "@/lib/admin/delegated-change";
import { requirePermission } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Groups" };

const OUT_OF_REACH = "This group carries permissions you do not hold, or some of its members hold them: only an administrator who holds them can change or delete it.";

export default async function GroupsPage() {
  const { organisation, user } = await requirePermission("roles:manage");
  const db = getDb();
  const groups = listGroups(db, organisation.id);
  // What the actions will allow (lib/admin/delegation.ts): offer nothing else.
  const reach = accessReach(db, organisation.id, user.id);
  const roles = listRoles(db, organisation.id).map((role) => ({ ...role, grantable: reach.mayGrantRole(role.id) }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Groups</h1>
        <p className="mt-1 text-sm text-slate-600">Teams of people; every member holds the roles their group carries.</p>
      </div>
      <Card title="New group" id="new-group">
        <NameCreateForm action={createGroupAction} label="Group name" submitLabel="Create group" />
      </Card>
      {groups.map((group) => (
        <Card key={group.id} title={group.name} id={`group-${group.id}`} description={`${group.members.length} member${group.members.length === 1 ? "" : "s"}`}>
          {reach.mayEditGroup(group.id) ? null : (
            <div className="mb-4">
              <Notice>{OUT_OF_REACH}</Notice>
            </div>
          )}
          <div className="grid gap-8 lg:grid-cols-2">
            <GroupEditForm group={group} roles={roles} editable={reach.mayEditGroup(group.id)} />
            <div className="space-y-4">
              <h3 className="text-sm font-semibold text-slate-900">Members</h3>
              {group.members.length === 0 ? <p className="text-sm text-slate-600">No members yet.</p> : null}
              <ul className="divide-y divide-slate-100">
                {group.members.map((member) => (
                  <li key={member.id} className="flex items-center justify-between gap-3 py-2">
                    <Link href={`/admin/users/${member.id}`} className="text-sm text-brand-700 hover:underline">
                      {member.name} <span className="text-slate-600">({member.email})</span>
                    </Link>
                    {reach.mayActOn(member.id) ? (
                      <RowActionForm
                        action={removeGroupMemberAction}
                        fields={{ group: group.id, user: member.id }}
                        label="Remove"
                        accessibleName={`Remove ${member.name} from ${group.name}`}
                        pendingLabel="Removing…"
                      />
                    ) : null}
                  </li>
                ))}
              </ul>
              {reach.mayGrantGroup(group.id) ? <GroupMemberAddForm group={group} /> : null}
            </div>
          </div>
          {reach.mayEditGroup(group.id) ? (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <RowActionForm
                action={deleteGroupAction}
                fields={{ group: group.id }}
                label="Delete group"
                accessibleName={`Delete group ${group.name}`}
                variant="danger"
                pendingLabel="Deleting…"
                confirmation={{
                  title: `Delete the group “${group.name}”?`,
                  consequence: "Its members stay, but lose the roles the group gives them. This cannot be undone.",
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
