"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { permissionsFrom } from "@/lib/admin/access-model";
import { requirePermission, type CurrentSession } from "@/lib/auth/guards";
import { previewRoleChange, type PreviewView } from "@/lib/data/enforcement-preview";
import { createRole, deleteRole, updateRole, type AccessWrite } from "@/lib/data/roles";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { fieldError } from "@/lib/messages";
import { databaseId } from "@/lib/database-id";

const requireRoleAdmin = () => requirePermission("roles:manage");
const name = z.string().trim().min(1, { error: "Enter a name." }).max(60, { error: "Use at most 60 characters." });
const id = databaseId();
const checkbox = z.literal("on").optional().transform(Boolean);

/** Why a write did not happen, in the form's words. */
function notDone(outcome: Extract<AccessWrite, { ok: false }>): FormState {
  if (outcome.reason === "refused") return outcome.state;
  if (outcome.reason === "name_taken") return fieldError("name", "A role with that name exists.");
  return { status: "error", message: "That role does not exist." };
}

export const createRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z.object({ name }),
  echo: ["name"],
  async handler(input, current) {
    const outcome = await createRole(current, input.name);
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/roles");
    // A new role allows nothing yet: its page is where that is chosen.
    redirect(`/admin/roles/${outcome.roleId}?created=1`);
  },
});

export const updateRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z
    .object({ role: id, name, requireTwoFactor: checkbox, requirePhishingResistant: checkbox })
    .catchall(z.string().max(8)),
  async handler(input, current) {
    const outcome = await updateRole(current, {
      roleId: input.role,
      name: input.name,
      permissions: permissionsFrom(input),
      requireTwoFactor: input.requireTwoFactor,
      requirePhishingResistant: input.requirePhishingResistant,
    });
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/roles");
    revalidatePath(`/admin/roles/${input.role}`);
    return { status: "success", message: `Role “${input.name}” saved.` };
  },
});

const rolePreviewSchema = z.object({ role: id, requireTwoFactor: checkbox, requirePhishingResistant: checkbox });

/** What saving a role's 2FA boxes would do (the confirmation's preview): the save's own guard; reads only. */
export const previewRoleAction = formAction<typeof rolePreviewSchema, CurrentSession, PreviewView>({
  guard: requireRoleAdmin,
  schema: rolePreviewSchema,
  async handler(input, current) {
    const preview = await previewRoleChange(
      current,
      {
        roleId: input.role,
        requireTwoFactor: input.requireTwoFactor,
        requirePhishingResistant: input.requirePhishingResistant,
      },
      await viewerTimeZone(),
    );
    if (!preview) return { status: "error", message: "That role does not exist." };
    return { status: "success", data: preview };
  },
});

export const deleteRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z.object({ role: id }),
  async handler(input, current) {
    const outcome = await deleteRole(current, input.role);
    if (!outcome.ok) return notDone(outcome);
    revalidatePath("/admin/roles");
    // Back to the table, which says so: the role's page is gone, and no other "Delete role" is under the pointer.
    redirect(`/admin/roles?deleted=${input.role}`);
  },
});
