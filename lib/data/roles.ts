import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { roles, type Permission } from "@/db/schema";
import { findRole, listRoles, nameTaken } from "@/lib/admin/access-model";
import { accessReach } from "@/lib/admin/delegated-change";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { changeAsActor } from "@/lib/flows/admin-change";

/*
 * Roles of the actor's organisation (/admin/roles). Every role id from the
 * client is looked up within that organisation; one of elsewhere is "not found".
 */

export type { Permission };

export type RoleSummary = {
  id: number;
  name: string;
  permissions: Permission[];
  requireTwoFactor: boolean;
  /** People who hold it directly. */
  holders: number;
  /** False when it carries, or its holders hold, permissions the actor lacks (lib/admin/delegation.ts). */
  editable: boolean;
};

export type RolesPage = { roles: RoleSummary[]; /** Only these can be given. */ heldPermissions: Permission[] };

export async function getRolesPage(current: CurrentSession): Promise<RolesPage> {
  const db = getDb();
  const reach = accessReach(db, current.organisation.id, current.user.id);
  const summaries = listRoles(db, current.organisation.id).map((role) => ({
    ...role,
    editable: reach.mayEditRole(role.id),
  }));
  return { roles: summaries, heldPermissions: [...reach.actor] };
}

/**
 * What a write answers: done, or why not. `refused` carries the form state
 * of a change the delegation rules turned down (see changeAsActor).
 */
export type AccessWrite<T = object> =
  | ({ ok: true } & T)
  | { ok: false; reason: "not_found" | "name_taken" }
  | { ok: false; reason: "refused"; state: FormState };

export async function createRole(current: CurrentSession, name: string): Promise<AccessWrite> {
  const db = getDb();
  if (nameTaken(db, roles, current.organisation.id, name)) return { ok: false, reason: "name_taken" };
  db.insert(roles).values({ organisationId: current.organisation.id, name }).run();
  recordActorEvent(db, current, "role.created", { details: { name } });
  return { ok: true };
}

export async function updateRole(
  current: CurrentSession,
  input: { roleId: number; name: string; permissions: Permission[]; requireTwoFactor: boolean },
): Promise<AccessWrite> {
  const db = getDb();
  const role = findRole(db, current.organisation.id, input.roleId);
  if (!role) return { ok: false, reason: "not_found" };
  if (nameTaken(db, roles, current.organisation.id, input.name, role.id)) return { ok: false, reason: "name_taken" };
  const { name, permissions, requireTwoFactor } = input;
  // Editing a role acts on everyone who holds it, and it may be given later: nothing in it beyond the actor's own.
  const outcome = changeAsActor(current, "role.update", {
    affected: { roleId: role.id },
    edited: { roleId: role.id },
    change: (tx) => tx.update(roles).set({ name, permissions, requireTwoFactor }).where(eq(roles.id, role.id)).run(),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  recordActorEvent(db, current, "role.updated", {
    details: { role: role.id, name, permissions: permissions.join(","), requireTwoFactor },
  });
  return { ok: true };
}

export async function deleteRole(current: CurrentSession, roleId: number): Promise<AccessWrite<{ name: string }>> {
  const role = findRole(getDb(), current.organisation.id, roleId);
  if (!role) return { ok: false, reason: "not_found" };
  const outcome = changeAsActor(current, "role.delete", {
    affected: { roleId: role.id },
    edited: { roleId: role.id },
    change: (tx) => tx.delete(roles).where(eq(roles.id, role.id)).run(),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  recordActorEvent(getDb(), current, "role.deleted", { details: { role: role.id, name: role.name } });
  return { ok: true, name: role.name };
}
