import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { caseless } from "@/db/portable-sql";

/*
 * Who holds a role, directly or through a group. Only people, groups and
 * links of the organisation count, whatever a row points at.
 */

const holdings = (organisationId: number) => sql`
  select "user_roles"."role_id" as role_id, "users"."id" as user_id, null as group_name
    from "user_roles"
    join "users" on "users"."id" = "user_roles"."user_id" and "users"."organisation_id" = ${organisationId}
  union all
  select "group_roles"."role_id", "users"."id", "groups"."name"
    from "group_roles"
    join "groups" on "groups"."id" = "group_roles"."group_id" and "groups"."organisation_id" = ${organisationId}
    join "group_members" on "group_members"."group_id" = "group_roles"."group_id"
    join "users" on "users"."id" = "group_members"."user_id" and "users"."organisation_id" = ${organisationId}`;

/** Role id → how many people hold it, each counted once however many ways they hold it. */
export async function holderCounts(db: Db, organisationId: number): Promise<Map<number, number>> {
  const rows = await queryRows<{ role_id: number; holders: number }>(
    db,
    sql`select role_id, count(distinct user_id) as holders from (${holdings(organisationId)}) as "holdings" group by role_id`,
  );
  // PostgreSQL counts in bigint, which its driver hands over as text.
  return new Map(rows.map((row) => [row.role_id, Number(row.holders)]));
}

export type RoleHolder = {
  id: number;
  name: string;
  email: string;
  /** Holds it themselves (not only through a group). */
  direct: boolean;
  /** The groups it comes through, by name. */
  throughGroups: string[];
};

/** Everyone who holds the role, by name. */
export async function holdersOf(db: Db, organisationId: number, roleId: number): Promise<RoleHolder[]> {
  const rows = await queryRows<{ user_id: number; name: string; email: string; group_name: string | null }>(
    db,
    sql`select h.user_id, "users"."name", "users"."email", h.group_name
      from (${holdings(organisationId)}) h join "users" on "users"."id" = h.user_id
      where h.role_id = ${roleId}
      order by ${caseless(sql`"users"."name"`)}, h.group_name`,
  );
  const byUser = new Map<number, RoleHolder>();
  for (const row of rows) {
    const holder = byUser.get(row.user_id) ?? {
      id: row.user_id,
      name: row.name,
      email: row.email,
      direct: false,
      throughGroups: [],
    };
    if (row.group_name === null) holder.direct = true;
    else holder.throughGroups.push(row.group_name);
    byUser.set(row.user_id, holder);
  }
  return [...byUser.values()];
}
