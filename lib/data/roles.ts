import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { auditEvents, PERMISSIONS, roles, type Permission } from "@/db/schema";
import { findRole, listRoles, nameTaken } from "@/lib/admin/access-model";
import { accessReach } from "@/lib/admin/delegated-change";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { changeAsActor } from "@/lib/flows/admin-change";
import { holderCounts, holdersOf, type RoleHolder } from "@/lib/data/role-holders";
import { jsonText } from "@/db/portable-sql";

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
  /** Its holders must use passkeys or security keys (implies requireTwoFactor). */
  requirePhishingResistant: boolean;
  /** People who hold it, directly or through a group, each once. */
  holders: number;
  /** False when it carries, or its holders hold, permissions the actor lacks (lib/admin/delegation.ts). */
  editable: boolean;
};

export type RolesPage = { roles: RoleSummary[]; /** Only these can be given. */ heldPermissions: Permission[] };

export async function getRolesPage(current: CurrentSession): Promise<RolesPage> {
  const db = getDb();
  const reach = await accessReach(db, current.organisation.id, current.user.id);
  const counts = await holderCounts(db, current.organisation.id);
  const summaries = (await listRoles(db, current.organisation.id)).map((role) => ({
    ...role,
    holders: counts.get(role.id) ?? 0,
    editable: reach.mayEditRole(role.id),
  }));
  return { roles: summaries, heldPermissions: [...reach.actor] };
}

export type { RoleHolder };

export type RolePage = {
  role: RoleSummary;
  /** Null when the actor may not read users (`users:read`): they see only the count. */
  holderList: RoleHolder[] | null;
  heldPermissions: Permission[];
};

/** One role of the actor's organisation with who holds it; null for an id of elsewhere or none. */
export async function getRolePage(current: CurrentSession, roleId: number): Promise<RolePage | null> {
  const db = getDb();
  const role = await findRole(db, current.organisation.id, roleId);
  if (!role) return null;
  const reach = await accessReach(db, current.organisation.id, current.user.id);
  const holderList = await holdersOf(db, current.organisation.id, role.id);
  // Who holds it is a list of people: shown only to those who may read users; others see how many.
  const mayReadUsers = reach.actor.has("users:read");
  return {
    role: {
      id: role.id,
      name: role.name,
      permissions: role.permissions,
      requireTwoFactor: role.requireTwoFactor,
      requirePhishingResistant: role.requirePhishingResistant,
      holders: holderList.length,
      editable: reach.mayEditRole(role.id),
    },
    holderList: mayReadUsers ? holderList : null,
    heldPermissions: [...reach.actor],
  };
}

/**
 * The name of a role of the organisation the audit log says was deleted, for
 * the message on the roles page after a deletion; null for any other id.
 */
export async function deletedRoleName(current: CurrentSession, roleId: number): Promise<string | null> {
  const event = (
    await getDb()
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.organisationId, current.organisation.id),
          eq(auditEvents.type, "role.deleted"),
          sql`${jsonText(auditEvents.details, "role")} = ${String(roleId)}`,
        ),
      )
      .orderBy(desc(auditEvents.id))
  )[0];
  const name = event?.details?.name;
  return typeof name === "string" ? name : null;
}

/**
 * What a write answers: done, or why not. `refused` carries the form state
 * of a change the delegation rules turned down (see changeAsActor).
 */
export type AccessWrite<T = object> =
  | ({ ok: true } & T)
  | { ok: false; reason: "not_found" | "name_taken" }
  | { ok: false; reason: "refused"; state: FormState };

export async function createRole(current: CurrentSession, name: string): Promise<AccessWrite<{ roleId: number }>> {
  const db = getDb();
  if (await nameTaken(db, roles, current.organisation.id, name)) return { ok: false, reason: "name_taken" };
  const created = (
    await db.insert(roles).values({ organisationId: current.organisation.id, name }).returning({ id: roles.id })
  )[0]!;
  await recordActorEvent(db, current, "role.created", { details: { role: created.id, name } });
  return { ok: true, roleId: created.id };
}

export async function updateRole(
  current: CurrentSession,
  input: {
    roleId: number;
    name: string;
    permissions: Permission[];
    requireTwoFactor: boolean;
    /** Unchanged when left out. */
    requirePhishingResistant?: boolean;
  },
): Promise<AccessWrite> {
  const db = getDb();
  const role = await findRole(db, current.organisation.id, input.roleId);
  if (!role) return { ok: false, reason: "not_found" };
  if (await nameTaken(db, roles, current.organisation.id, input.name, role.id))
    return { ok: false, reason: "name_taken" };
  const { name, permissions } = input;
  const requirePhishingResistant = input.requirePhishingResistant ?? role.requirePhishingResistant;
  // Phishing-resistant methods only is a kind of two-factor requirement: it implies the box above it.
  const requireTwoFactor = input.requireTwoFactor || requirePhishingResistant;
  // Editing a role acts on everyone who holds it, and it may be given later: nothing in it beyond the actor's own.
  const outcome = await changeAsActor(current, "role.update", {
    affected: { roleId: role.id },
    edited: { roleId: role.id },
    change: async (tx) =>
      await tx
        .update(roles)
        .set({ name, permissions, requireTwoFactor, requirePhishingResistant })
        .where(eq(roles.id, role.id)),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  // What changed, before and after (read as "before → after" in the audit log, lib/audit-log-changes.ts).
  const was = {
    name: role.name,
    // In the form's order, so a role stored in another order does not read as changed.
    permissions: PERMISSIONS.filter((permission) => role.permissions.includes(permission)).join(","),
    requireTwoFactor: role.requireTwoFactor,
    requirePhishingResistant: role.requirePhishingResistant,
  };
  const now = { name, permissions: permissions.join(","), requireTwoFactor, requirePhishingResistant };
  const changed = (Object.keys(now) as Array<keyof typeof now>).filter((key) => was[key] !== now[key]);
  await recordActorEvent(db, current, "role.updated", {
    details: {
      role: role.id,
      name,
      ...Object.fromEntries(
        changed.flatMap((key) => [
          [key, now[key]],
          [`previous${key.charAt(0).toUpperCase()}${key.slice(1)}`, was[key]],
        ]),
      ),
    },
  });
  return { ok: true };
}

export async function deleteRole(current: CurrentSession, roleId: number): Promise<AccessWrite<{ name: string }>> {
  const role = await findRole(getDb(), current.organisation.id, roleId);
  if (!role) return { ok: false, reason: "not_found" };
  const outcome = await changeAsActor(current, "role.delete", {
    affected: { roleId: role.id },
    edited: { roleId: role.id },
    change: async (tx) => await tx.delete(roles).where(eq(roles.id, role.id)),
  });
  if (!outcome.ok) return { ok: false, reason: "refused", state: outcome.state };
  await recordActorEvent(getDb(), current, "role.deleted", { details: { role: role.id, name: role.name } });
  return { ok: true, name: role.name };
}
