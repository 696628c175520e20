"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { requirePermission } from "@/lib/auth/guards";
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  removeGroupMember,
  updateGroup,
  type GroupWrite,
} from "@/lib/data/groups";
import { fieldError } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const requireGroupAdmin = () => requirePermission("roles:manage");
const name = z.string().trim().min(1, { error: "Enter a name." }).max(60, { error: "Use at most 60 characters." });
const id = databaseId();

/** Why a write did not happen, in the form's words. */
function notDone(outcome: Extract<GroupWrite, { ok: false }>): FormState {
  switch (outcome.reason) {
    case "refused":
      return outcome.state;
    case "name_taken":
      return fieldError("name", "A group with that name exists.");
    case "no_such_email":
      return fieldError("email", "No one in your organisation has that email.");
    case "above_rank":
      return fieldError(
        "email",
        `${outcome.memberName} holds permissions you do not, so you cannot change their groups.`,
      );
    case "not_member":
      return { status: "error", message: "That person is not in this group." };
    case "not_found":
      return { status: "error", message: "That group does not exist." };
  }
}

export const createGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ name }),
  echo: ["name"],
  async handler(input, current) {
    const outcome = await createGroup(current, input.name);
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/groups");
    return { status: "success", message: `Group “${input.name}” created.` };
  },
});

export const updateGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id, name }).catchall(z.string().max(8)),
  async handler(input, current) {
    const outcome = await updateGroup(current, {
      groupId: input.group,
      name: input.name,
      roleIds: idsFromCheckboxes(input, "role-"),
    });
    if (!outcome.ok) return notDone(outcome);
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
    const outcome = await addGroupMember(current, { groupId: input.group, email: input.email });
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/groups");
    return { status: "success", message: `${outcome.memberName} added to ${outcome.groupName}.` };
  },
});

export const removeGroupMemberAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id, user: id }),
  async handler(input, current) {
    const outcome = await removeGroupMember(current, { groupId: input.group, userId: input.user });
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/groups");
    return { status: "success", message: "Removed from the group." };
  },
});

export const deleteGroupAction = formAction({
  guard: requireGroupAdmin,
  sensitive: true,
  schema: z.object({ group: id }),
  async handler(input, current) {
    const outcome = await deleteGroup(current, input.group);
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/groups");
    return { status: "success", message: `Group “${outcome.name}” deleted.` };
  },
});
