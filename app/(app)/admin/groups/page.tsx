import type { Metadata } from "next";
import Link from "next/link";
import { createGroupAction, deleteGroupAction, removeGroupMemberAction } from "@/app/(app)/admin/groups/actions";
import { GroupEditForm, GroupMemberAddForm } from "@/app/(app)/admin/groups/_components/group-edit-form";
import { RoleGroupCard, RoleGroupPage } from "@/components/role-group-card";
import { RowActionForm } from "@/components/row-action-form";
import { requirePermission } from "@/lib/auth/guards";
import { getGroupsPage } from "@/lib/data/groups";
import { plural } from "@/lib/messages";

export const metadata: Metadata = { title: "Groups" };

const OUT_OF_REACH =
  "This group carries permissions you do not hold, or some of its members hold them: only an administrator who holds them can change or delete it.";

export default async function GroupsPage() {
  const { groups, roles } = await getGroupsPage(await requirePermission("roles:manage"));
  return (
    <RoleGroupPage
      kind="group"
      intro="Teams of people; every member holds the roles their group carries."
      createAction={createGroupAction}
    >
      {groups.map((group) => (
        <RoleGroupCard
          key={group.id}
          kind="group"
          item={group}
          description={plural(group.members.length, "member")}
          editable={group.editable}
          outOfReach={OUT_OF_REACH}
          deleteAction={deleteGroupAction}
          deleteConsequence="Its members stay, but lose the roles the group gives them. This cannot be undone."
        >
          <div className="grid gap-8 lg:grid-cols-2">
            <GroupEditForm group={group} roles={roles} />
            <div className="space-y-4">
              <h3 className="text-sm font-semibold text-slate-900">Members</h3>
              {group.members.length === 0 ? <p className="text-sm text-slate-600">No members yet.</p> : null}
              <ul className="divide-y divide-slate-100">
                {group.members.map((member) => (
                  <li key={member.id} className="flex items-center justify-between gap-3 py-2">
                    {/* min-w-0: a long address wraps instead of pushing "Remove" off a phone's screen. */}
                    <Link
                      href={`/admin/users/${member.id}`}
                      className="min-w-0 text-sm break-words text-brand-700 hover:underline"
                    >
                      {member.name} <span className="text-slate-600">({member.email})</span>
                    </Link>
                    {member.removable ? (
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
              {group.mayAddMembers ? <GroupMemberAddForm group={group} /> : null}
            </div>
          </div>
        </RoleGroupCard>
      ))}
    </RoleGroupPage>
  );
}
