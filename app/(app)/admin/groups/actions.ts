"use server";

import { eq, and } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { groupMembers, groups } from "@/db/schema";
import { formAction } from "@/lib/action";
import { findGroup, findUserByEmailInOrganisation, idsFromCheckboxes, nameTaken, setGroupRoles } from "@/lib/admin/access-model";
import { refusalToActOn } from "@/lib/admin/delegated-change";
import { changeAsActor } from "@/lib/flows/admin-change";
import { findUserInOrganisation } from "@/lib/admin/user-admin";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";

const requireGroupAdmin = () => requirePermission("roles:manage");
const name = z.string().trim().min(1, { error: "Enter a name." }).max(60, { error: "Use at most 60 characters." });
const id = z.coerce.number().int().positive();

export const createGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ name }),
  echo: ["name"],
  async handler(input, current) {
    const db = getDb();
    if (nameTaken(db, groups, current.organisation.id, input.name)) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { name: "A group with that name exists." } };
    db.insert(groups).values({ organisationId: current.organisation.id, name: input.name }).run();
    recordActorEvent(getDb(), current, "group.created", { details: { name: input.name } });
    revalidatePath("/admin/groups");
    return { status: "success", message: `Group “${input.name}” created.` };
  },
});

export const updateGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id, name }).catchall(z.string().max(8)),
  async handler(input, current) {
    const db = getDb();
    const group = findGroup(db, current.organisation.id, input.group);
    if (!group) return { status: "error", message: "That group does not exist." };
    if (nameTaken(db, groups, current.organisation.id, input.name, group.id)) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { name: "A group with that name exists." } };
    const roleIds = idsFromCheckboxes(input, "role-");
    // Editing a group acts on all its members, and it may be given later: nothing in it beyond the actor's own.
    const outcome = changeAsActor(current, "group.update", {
      affected: { groupId: group.id },
      edited: { groupId: group.id },
      change: (tx) => {
        tx.update(groups).set({ name: input.name }).where(eq(groups.id, group.id)).run();
        return setGroupRoles(tx, current.organisation.id, group.id, roleIds);
      },
    });
    if (!outcome.ok) return outcome.state;
    // The roles it now carries, not what the form named: ids of elsewhere were dropped.
    recordActorEvent(getDb(), current, "group.updated", { details: { group: group.id, name: input.name, roles: outcome.value.join(",") } });
    revalidatePath("/admin/groups");
    return { status: "success", message: `Group “${input.name}” saved.` };
  },
});

export const addGroupMemberAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id, email: z.string().trim().min(1, { error: "Enter the member's email." }).max(254) }),
  echo: ["email"],
  async handler(input, current) {
    const db = getDb();
    const group = findGroup(db, current.organisation.id, input.group);
    if (!group) return { status: "error", message: "That group does not exist." };
    const member = findUserByEmailInOrganisation(db, current.organisation.id, input.email);
    if (!member) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { email: "No one in your organisation has that email." } };
    // The address was typed, so the page could not rule this out beforehand: say so there.
    if (refusalToActOn(db, current.organisation.id, current.user.id, member.id)) {
      recordActorEvent(db, current, "access.refused", { targetUserId: member.id, details: { action: "group.add_member", reason: "above_rank" } });
      return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { email: `${member.name} holds permissions you do not, so you cannot change their groups.` } };
    }
    const outcome = changeAsActor(current, "group.add_member", {
      affected: { userIds: [member.id] },
      change: (tx) => tx.insert(groupMembers).values({ groupId: group.id, userId: member.id }).onConflictDoNothing().run(),
    });
    if (!outcome.ok) return outcome.state;
    recordActorEvent(getDb(), current, "group.updated", { targetUserId: member.id, details: { group: group.id, added: member.id } });
    revalidatePath("/admin/groups");
    return { status: "success", message: `${member.name} added to ${group.name}.` };
  },
});

export const removeGroupMemberAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id, user: id }),
  async handler(input, current) {
    const group = findGroup(getDb(), current.organisation.id, input.group);
    if (!group) return { status: "error", message: "That group does not exist." };
    // Another organisation's user is never named, not even in the audit log.
    const member = findUserInOrganisation(getDb(), current.organisation.id, input.user);
    if (!member) return { status: "error", message: "That person is not in this group." };
    const outcome = changeAsActor(current, "group.remove_member", {
      affected: { userIds: [member.id] },
      change: (tx) => tx.delete(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, member.id))).run().changes,
    });
    if (!outcome.ok) return outcome.state;
    if (outcome.value === 0) return { status: "error", message: "That person is not in this group." };
    recordActorEvent(getDb(), current, "group.updated", { targetUserId: member.id, details: { group: group.id, removed: member.id } });
    revalidatePath("/admin/groups");
    return { status: "success", message: "Removed from the group." };
  },
});

export const deleteGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id }),
  async handler(input, current) {
    const group = findGroup(getDb(), current.organisation.id, input.group);
    if (!group) return { status: "error", message: "That group does not exist." };
    const outcome = changeAsActor(current, "group.delete", {
      affected: { groupId: group.id },
      edited: { groupId: group.id },
      change: (tx) => tx.delete(groups).where(eq(groups.id, group.id)).run(),
    });
    if (!outcome.ok) return outcome.state;
    recordActorEvent(getDb(), current, "group.deleted", { details: { group: group.id, name: group.name } });
    revalidatePath("/admin/groups");
    return { status: "success", message: `Group “${group.name}” deleted.` };
  },
});
