import { sql } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { preparedQuery } from "@/db/prepared";
import { groupMembers, groupRoles, groups, roles, userRoles, type Permission } from "@/db/schema";

export const PERMISSION_LABELS: Record<Permission, string> = {
  "users:read": "Read users",
  "users:manage": "Manage users",
  "roles:manage": "Manage roles and groups",
  "settings:manage": "Manage settings",
  "audit:read": "Read the audit log",
};

/** The roles a user holds, directly or through a group, as a query on `executor`'s connection. */
const selectRolesOfUser = (executor: Executor) =>
  executor
    .select({
      id: roles.id,
      name: roles.name,
      permissions: roles.permissions,
      requireTwoFactor: roles.requireTwoFactor,
    })
    .from(roles)
    .where(
      // Only roles of the user's own organisation count, whatever a row points at.
      sql`${roles.organisationId} = (select "users"."organisation_id" from "users" where "users"."id" = ${sql.placeholder("userId")})
      and ${roles.id} in (
        select ${userRoles.roleId} from ${userRoles} where ${userRoles.userId} = ${sql.placeholder("userId")}
        union
        select ${groupRoles.roleId} from ${groupRoles}
          join ${groupMembers} on ${groupMembers.groupId} = ${groupRoles.groupId}
          join ${groups} on ${groups.id} = ${groupRoles.groupId} and ${groups.organisationId} = ${roles.organisationId}
          where ${groupMembers.userId} = ${sql.placeholder("userId")}
      )`,
    )
    .orderBy(roles.name)
    .prepare();

// Every signed-in page asks for the user's permissions: prepared once (see preparedQuery).
const rolesOfUserQuery = preparedQuery(selectRolesOfUser);

/** Names of the roles a user holds, directly or through a group. */
export async function rolesOfUser(db: Db, userId: number) {
  return await rolesOfUserQuery(db).execute({ userId });
}

/**
 * The same, read inside a transaction on its own connection: on PostgreSQL a
 * query on `db` would wait for a second pooled connection while the
 * transaction holds one (a pool of them all waiting never moves again).
 */
export async function rolesOfUserWithin(tx: Executor, userId: number) {
  return await selectRolesOfUser(tx).execute({ userId });
}

export function permissionsOf(heldRoles: Array<{ permissions: Permission[] }>): Set<Permission> {
  return new Set(heldRoles.flatMap((role) => role.permissions));
}

export async function userHasPermission(db: Db, userId: number, permission: Permission): Promise<boolean> {
  return permissionsOf(await rolesOfUser(db, userId)).has(permission);
}
