import { changedRows, getDb } from "@/db";
import "server-only";
import { and, eq } from "drizzle-orm";
import { groupMembers, groupRoles, groups } from "@/db/schema";
import {
  findGroup,
  findUserByEmailInOrganisation,
  listGroups,
  listRoles,
  nameTaken,
  setGroupRoles,
} from "@/lib/admin/access-model";
import { accessReach, refusalToActOn } from "@/lib/admin/delegated-change";
import { findUserInOrganisation } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import type { AccessWrite } from "@/lib/data/roles";
import { changeAsActor } from "@/lib/flows/admin-change";

/*
 * Groups of the actor's organisation (/admin/groups). Every group, role and
 * user id from the client is looked up within that organisation; one of
 * elsewhere is "not found" and never named, not even in the audit log.
 */

export type GroupMember = {
  id: number;
  name: string;
  email: string;
  /** The actor may take them out (lib/admin/delegation.ts). */ removable: boolean;
};

export type GroupSummary = {
  id: number;
  name: string;
  roleIds: number[];
  members: GroupMember[];
  /** False when it carries, or its members hold, permissions the actor lacks. */
  editable: boolean;
  /** The actor may give it, so may add people to it. */
  mayAddMembers: boolean;
};

/** A role a group may carry; `grantable: false` when it is beyond the actor's own permissions. */
export type GroupRoleOption = { id: number; name: string; requireTwoFactor: boolean; grantable: boolean };

export type GroupsPage = { groups: GroupSummary[]; roles: GroupRoleOption[] };

export async function getGroupsPage(current: CurrentSession): Promise<GroupsPage> {
  const db = getDb();
  const organisationId = current.organisation.id;
  // What the actions will allow (lib/admin/delegation.ts): the page offers nothing else.
  const reach = await accessReach(db, organisationId, current.user.id);
  return {
    groups: (await listGroups(db, organisationId)).map((group) => ({
      id: group.id,
      name: group.name,
      roleIds: group.roleIds,
      members: group.members.map(({ id, name, email }) => ({ id, name, email, removable: reach.mayActOn(id) })),
      editable: reach.mayEditGroup(group.id),
      mayAddMembers: reach.mayGrantGroup(group.id),
    })),
    roles: (await listRoles(db, organisationId)).map(({ id, name, requireTwoFactor }) => ({
      id,
      name,
      requireTwoFactor,
      grantable: reach.mayGrantRole(id),
    })),
  };
}

export type GroupWrite<T = object> =
  | AccessWrite<T>
  | { ok: false; reason: "no_such_email" | "not_member" }
  | { ok: false; reason: "above_rank"; memberName: string };

export async function createGroup(current: CurrentSession, name: string): Promise<GroupWrite> {
  const db = getDb();
  if (await nameTaken(db, groups, current.organisation.id, name)) return { ok: false, reason: "name_taken" };
  const created = (
    await db.insert(groups).values({ organisationId: current.organisation.id, name }).returning({ id: groups.id })
  )[0]!;
  await recordActorEvent(db, current, "group.created", { details: { group: created.id, name } });
  return { ok: true };
}

/** Renames the group and sets the roles it carries; roles of another organisation are dropped. */
export async function updateGroup(
  current: CurrentSession,
  input: { groupId: number; name: string; roleIds: number[] },
): Promise<GroupWrite> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const group = await findGroup(db, organisationId, input.groupId);
  if (!group) return { ok: false, reason: "not_found" };
  if (await nameTaken(db, groups, organisationId, input.name, group.id)) return { ok: false, reason: "name_taken" };
  const rolesBefore = (
    await db.select({ roleId: groupRoles.roleId }).from(groupRoles).where(eq(groupRoles.groupId, group.id))
  ).map((row) => row.roleId);
  // Editing a group acts on all its members, and it may be given later: nothing in it beyond the actor's own.
  const outcome = await changeAsActor(current, "group.update", {
    affected: { groupId: group.id },
    edited: { groupId: group.id },
    change: async (tx) => {
      await tx.update(groups).set({ name: input.name }).where(eq(groups.id, group.id));
      return setGroupRoles(tx, organisationId, group.id, input.roleIds);
    },
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  // The roles it now carries, not what the form named: ids of elsewhere were dropped.
  // Before → after for what changed (lib/audit-log-changes.ts reads the pairs).
  const rolesNow = outcome.value.toSorted((a, b) => a - b).join(",");
  const rolesWere = rolesBefore.toSorted((a, b) => a - b).join(",");
  await recordActorEvent(db, current, "group.updated", {
    details: {
      group: group.id,
      name: input.name,
      ...(group.name === input.name ? {} : { previousName: group.name }),
      roles: rolesNow,
      ...(rolesWere === rolesNow ? {} : { previousRoles: rolesWere }),
    },
  });
  return { ok: true };
}

export async function addGroupMember(
  current: CurrentSession,
  input: { groupId: number; email: string },
): Promise<GroupWrite<{ memberName: string; groupName: string }>> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const group = await findGroup(db, organisationId, input.groupId);
  if (!group) return { ok: false, reason: "not_found" };
  const member = await findUserByEmailInOrganisation(db, organisationId, input.email);
  if (!member) return { ok: false, reason: "no_such_email" };
  // The address was typed, so the page could not rule this out beforehand: the form says so.
  if (await refusalToActOn(db, organisationId, current.user.id, member.id)) {
    await recordActorEvent(db, current, "access.refused", {
      targetUserId: member.id,
      details: { action: "group.add_member", reason: "above_rank" },
    });
    return { ok: false, reason: "above_rank", memberName: member.name };
  }
  const outcome = await changeAsActor(current, "group.add_member", {
    affected: { userIds: [member.id] },
    change: async (tx) =>
      await tx.insert(groupMembers).values({ groupId: group.id, userId: member.id }).onConflictDoNothing(),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  await recordActorEvent(db, current, "group.updated", {
    targetUserId: member.id,
    details: { group: group.id, added: member.id },
  });
  return { ok: true, memberName: member.name, groupName: group.name };
}

export async function removeGroupMember(
  current: CurrentSession,
  input: { groupId: number; userId: number },
): Promise<GroupWrite> {
  const db = getDb();
  const group = await findGroup(db, current.organisation.id, input.groupId);
  if (!group) return { ok: false, reason: "not_found" };
  const member = await findUserInOrganisation(db, current.organisation.id, input.userId);
  if (!member) return { ok: false, reason: "not_member" };
  const outcome = await changeAsActor(current, "group.remove_member", {
    affected: { userIds: [member.id] },
    change: async (tx) =>
      changedRows(
        await tx
          .delete(groupMembers)
          .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, member.id))),
      ),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  if (outcome.value === 0) return { ok: false, reason: "not_member" };
  await recordActorEvent(db, current, "group.updated", {
    targetUserId: member.id,
    details: { group: group.id, removed: member.id },
  });
  return { ok: true };
}

export async function deleteGroup(current: CurrentSession, groupId: number): Promise<GroupWrite<{ name: string }>> {
  const group = await findGroup(getDb(), current.organisation.id, groupId);
  if (!group) return { ok: false, reason: "not_found" };
  const outcome = await changeAsActor(current, "group.delete", {
    affected: { groupId: group.id },
    edited: { groupId: group.id },
    change: async (tx) => await tx.delete(groups).where(eq(groups.id, group.id)),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  await recordActorEvent(getDb(), current, "group.deleted", { details: { group: group.id, name: group.name } });
  return { ok: true, name: group.name };
}
