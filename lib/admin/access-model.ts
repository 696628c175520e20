import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { groupMembers, groupRoles, groups, PERMISSIONS, roles, users, type Permission } from "@/db/schema";
import { caseless } from "@/db/portable-sql";
import { isDatabaseId } from "@/lib/database-id";

/*
 * Roles and groups of one organisation. Every function takes the
 * organisation's id and touches nothing outside it.
 */

export async function listRoles(db: Db, organisationId: number) {
  return await db
    .select({
      id: roles.id,
      name: roles.name,
      permissions: roles.permissions,
      requireTwoFactor: roles.requireTwoFactor,
      requirePhishingResistant: roles.requirePhishingResistant,
      holders: sql<number>`(select count(*) from user_roles where user_roles.role_id = ${roles.id})`.mapWith(Number),
    })
    .from(roles)
    .where(eq(roles.organisationId, organisationId))
    .orderBy(caseless(roles.name));
}

/** Whether a role or group of that name (any case) exists in the organisation, other than `exceptId`. */
export async function nameTaken(
  db: Executor,
  table: typeof roles | typeof groups,
  organisationId: number,
  name: string,
  exceptId?: number,
): Promise<boolean> {
  const existing = (
    await db
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.organisationId, organisationId), sql`lower(${table.name}) = lower(${name})`))
  )[0];
  return Boolean(existing && existing.id !== exceptId);
}

export async function findRole(db: Executor, organisationId: number, roleId: number) {
  return (
    (
      await db
        .select()
        .from(roles)
        .where(and(eq(roles.id, roleId), eq(roles.organisationId, organisationId)))
    )[0] ?? null
  );
}

export async function findGroup(db: Executor, organisationId: number, groupId: number) {
  return (
    (
      await db
        .select()
        .from(groups)
        .where(and(eq(groups.id, groupId), eq(groups.organisationId, organisationId)))
    )[0] ?? null
  );
}

export function permissionsFrom(input: Record<string, unknown>): Permission[] {
  return PERMISSIONS.filter((permission) => input[`permission-${permission}`] === "on");
}

export async function listGroups(db: Db, organisationId: number) {
  const all = await db
    .select()
    .from(groups)
    .where(eq(groups.organisationId, organisationId))
    .orderBy(caseless(groups.name));
  const ids = all.map((group) => group.id);
  const members = ids.length
    ? await db
        .select({ groupId: groupMembers.groupId, id: users.id, name: users.name, email: users.email })
        .from(groupMembers)
        .innerJoin(users, and(eq(users.id, groupMembers.userId), eq(users.organisationId, organisationId)))
        .where(inArray(groupMembers.groupId, ids))
        .orderBy(users.name)
    : [];
  const roleIds = ids.length ? await db.select().from(groupRoles).where(inArray(groupRoles.groupId, ids)) : [];
  return all.map((group) => ({
    ...group,
    members: members.filter((member) => member.groupId === group.id),
    roleIds: roleIds.filter((row) => row.groupId === group.id).map((row) => row.roleId),
  }));
}

/** Sets the roles a group carries, keeping only roles of the same organisation; returns the ids kept. */
export async function setGroupRoles(
  tx: Executor,
  organisationId: number,
  groupId: number,
  roleIds: number[],
): Promise<number[]> {
  const own = roleIds.length
    ? await tx
        .select({ id: roles.id })
        .from(roles)
        .where(and(eq(roles.organisationId, organisationId), inArray(roles.id, roleIds)))
    : [];
  await tx.delete(groupRoles).where(eq(groupRoles.groupId, groupId));
  if (own.length) await tx.insert(groupRoles).values(own.map(({ id }) => ({ groupId, roleId: id })));
  return own.map(({ id }) => id);
}

export async function findUserByEmailInOrganisation(db: Db, organisationId: number, email: string) {
  return (
    (
      await db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(and(eq(users.organisationId, organisationId), sql`lower(${users.email}) = lower(${email.trim()})`))
    )[0] ?? null
  );
}

/** The ids of ticked `<prefix><id>` checkboxes in a submitted form. */
export function idsFromCheckboxes(input: Record<string, unknown>, prefix: string): number[] {
  return Object.keys(input)
    .filter((key) => key.startsWith(prefix) && input[key] === "on")
    .map((key) => Number(key.slice(prefix.length)))
    .filter(isDatabaseId);
}
