"use server";

import { eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { roles } from "@/db/schema";
import { formAction } from "@/lib/action";
import { changeAsActor } from "@/lib/flows/admin-change";
import { findRole, nameTaken, permissionsFrom } from "@/lib/admin/access-model";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";

const requireRoleAdmin = () => requirePermission("roles:manage");
const name = z.string().trim().min(1, { error: "Enter a name." }).max(60, { error: "Use at most 60 characters." });
const id = z.coerce.number().int().positive();
const checkbox = z.literal("on").optional().transform(Boolean);

export const createRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z.object({ name }),
  echo: ["name"],
  async handler(input, current) {
    const db = getDb();
    if (nameTaken(db, roles, current.organisation.id, input.name)) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { name: "A role with that name exists." } };
    db.insert(roles).values({ organisationId: current.organisation.id, name: input.name }).run();
    recordActorEvent(getDb(), current, "role.created", { details: { name: input.name } });
    revalidatePath("/admin/roles");
    return { status: "success", message: `Role “${input.name}” created.` };
  },
});

export const updateRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z.object({ role: id, name, requireTwoFactor: checkbox }).catchall(z.string().max(8)),
  async handler(input, current) {
    const db = getDb();
    const role = findRole(db, current.organisation.id, input.role);
    if (!role) return { status: "error", message: "That role does not exist." };
    if (nameTaken(db, roles, current.organisation.id, input.name, role.id)) return { status: "error", message: "Please correct the highlighted field.", fieldErrors: { name: "A role with that name exists." } };
    const permissions = permissionsFrom(input);
    // Editing a role acts on everyone who holds it, and it may be given later: nothing in it beyond the actor's own.
    const outcome = changeAsActor(current, "role.update", {
      affected: { roleId: role.id },
      edited: { roleId: role.id },
      change: (tx) => tx.update(roles).set({ name: input.name, permissions, requireTwoFactor: input.requireTwoFactor }).where(eq(roles.id, role.id)).run(),
    });
    if (!outcome.ok) return outcome.state;
    recordActorEvent(getDb(), current, "role.updated", { details: { role: role.id, name: input.name, permissions: permissions.join(","), requireTwoFactor: input.requireTwoFactor } });
    revalidatePath("/admin/roles");
    return { status: "success", message: `Role “${input.name}” saved.` };
  },
});

export const deleteRoleAction = formAction({
  guard: requireRoleAdmin,
  sensitive: true,
  schema: z.object({ role: id }),
  async handler(input, current) {
    const role = findRole(getDb(), current.organisation.id, input.role);
    if (!role) return { status: "error", message: "That role does not exist." };
    const outcome = changeAsActor(current, "role.delete", {
      affected: { roleId: role.id },
      edited: { roleId: role.id },
      change: (tx) => tx.delete(roles).where(eq(roles.id, role.id)).run(),
    });
    if (!outcome.ok) return outcome.state;
    recordActorEvent(getDb(), current, "role.deleted", { details: { role: role.id, name: role.name } });
    revalidatePath("/admin/roles");
    return { status: "success", message: `Role “${role.name}” deleted.` };
  },
});
