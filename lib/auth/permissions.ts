import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { preparedQuery } from "@/db/prepared";
import { groupMembers, groupRoles, groups, roles, userRoles, type Permission } from "@/db/schema";

export const PERMISSION_LABELS: Record<Permission, string> = {
  "users:read": "Read users",
  "users:manage": "Manage users",
  "roles:manage": "Manage roles and groups",
  "settings:manage": "Manage settings",
  "audit:read": "Read the audit log",
};

// Every signed-in page asks for the user's permissions: prepared once (see preparedQuery).
const rolesOfUserQuery = preparedQuery((db) =>
  db
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
    .prepare(),
);

/** Names of the roles a user holds, directly or through a group. */
export async function rolesOfUser(db: Db, userId: number) {
  return await rolesOfUserQuery(db).execute({ userId });
}

export function permissionsOf(heldRoles: Array<{ permissions: Permission[] }>): Set<Permission> {
  return new Set(heldRoles.flatMap((role) => role.permissions));
}

export async function userHasPermission(db: Db, userId: number, permission: Permission): Promise<boolean> {
  return permissionsOf(await rolesOfUser(db, userId)).has(permission);
}
