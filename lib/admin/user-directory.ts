import { type SQL, and, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { groupMembers, groupRoles, organisations, roles, userRoles, users } from "@/db/schema";
import { effectiveTwoFactorRequirement, type Requirement } from "@/lib/two-factor/policy/requirement";
import { hasConfirmedAuthenticatorSql } from "@/lib/two-factor/authenticator-app/credentials";
import {
  duoAvailabilityColumns,
  duoAvailableIn,
  usableMethods,
  type SecondFactorMethod,
} from "@/lib/two-factor/policy/methods";
import { roleRequiresPhishingResistantSql, roleRequiresTwoFactorSql } from "@/lib/two-factor/policy/user-state";
import { hasPasskeySql } from "@/lib/webauthn/passkeys";
import { pendingInvitationSql } from "@/lib/invitations/pending";
import { twoFactorEnrolment, type TwoFactorEnrolment } from "@/lib/admin/two-factor-enrolment";
import { caseless, caselessText, hidesFromIndex, nullsAsSmallest } from "@/db/portable-sql";

export const USERS_PAGE_SIZE = 50;
export const USER_SORTS = ["name", "email", "lastSignIn", "created"] as const;
export type UserSort = (typeof USER_SORTS)[number];

export type UserListQuery = {
  q: string;
  sort: UserSort;
  direction: "asc" | "desc";
  page: number;
  /** Users per page; the admin list's 50 unless the caller (the API) chooses. */
  pageSize?: number;
  /** The filters' WHERE over "users" (lib/admin/user-filters.ts), if any. */
  filter?: SQL;
  /**
   * Keyset paging for exports and the API's cursor: the users after this id,
   * in id order (sort, direction and page are then ignored), so a batch costs
   * the same however deep into the list it is.
   */
  afterId?: number;
};

export type UserListRow = {
  id: number;
  name: string;
  email: string;
  isApiAccount: boolean;
  disabled: boolean;
  /** Invited and not accepted yet. */
  invited: boolean;
  lastSignInAt: Date | null;
  twoFactorMethods: SecondFactorMethod[];
  /** The factors the user set up, apart from the automatic fallback. */
  enrolment: TwoFactorEnrolment;
  requirement: Requirement["level"];
  roles: string[];
};

const ORDER: Record<UserSort, SQL> = {
  name: caseless(users.name),
  email: caseless(users.email),
  lastSignIn: sql`${users.lastSignInAt}`,
  created: sql`${users.createdAt}`,
};

/**
 * In the order of last sign-in or creation, a prefix matching more users than
 * this is found by walking that order's index and keeping the matches: a
 * prefix this common turns up a page within about page × 50 × users / this
 * rows, where reading its whole range to sort it would read every match.
 */
const SORTABLE_MATCHES = 1000;

type SearchColumn = "name" | "email";

/** Whether at most SORTABLE_MATCHES users' `column` lies in [q, upper): read off the index, stopping early. */
async function fewMatches(
  db: Db,
  organisationId: number,
  column: SearchColumn,
  q: string,
  upper: string,
): Promise<boolean> {
  const { matches } = (
    await db.select({ matches: count() }).from(
      sql`(select 1 from "users" where "users"."organisation_id" = ${organisationId}
        and ${caseless(sql`"users".${sql.identifier(column)}`)} >= ${caselessText(q)}
        and ${caseless(sql`"users".${sql.identifier(column)}`)} < ${caselessText(upper)}
        limit ${SORTABLE_MATCHES + 1}) as "matches"`,
    )
  )[0]!;
  return matches <= SORTABLE_MATCHES;
}

/**
 * The users whose name or email starts with `q` (case-insensitively), as far
 * as the page needs them: at most `limit` per branch, in the list's order.
 *
 * A branch reads the prefix's range of its own index, which is already in the
 * list's order when the list is sorted by that column. In name or email order
 * the other branch sorts its range: names and emails go together, so walking
 * one's order for the other's prefix would pass most users before the first
 * match. In the order of last sign-in or creation, which has nothing to do
 * with names, a common prefix walks that order instead (the unary `+` keeps
 * SQLite off the prefix's index). A search thus costs about the same with 100
 * users or 100,000, except a very common prefix across name and email order,
 * which reads every match of the other column (see README, Performance).
 */
async function prefixCandidates(
  db: Db,
  organisationId: number,
  query: UserListQuery,
  order: SQL,
  limit: number,
): Promise<SQL> {
  const { q } = query;
  const upper = `${q}\u{10FFFF}`;
  const alphabetical = query.sort === "name" || query.sort === "email";
  const branch = async (column: SearchColumn) => {
    const readRange = alphabetical || (await fewMatches(db, organisationId, column, q, upper));
    const value =
      readRange || !hidesFromIndex ? sql`"users".${sql.identifier(column)}` : sql`(+"users".${sql.identifier(column)})`;
    return sql`select "id" from (
      select "users"."id" as "id" from "users"
      where "users"."organisation_id" = ${organisationId}
        and ${caseless(value)} >= ${caselessText(q)}
        and ${caseless(value)} < ${caselessText(upper)}
      order by ${order} limit ${limit}
    ) as ${sql.identifier(`${column}_matches`)}`;
  };
  return sql`${users.id} in (${await branch("name")} union all ${await branch("email")})`;
}

/**
 * Whether the name or email starts with `q`, case-insensitively, as a plain
 * condition: with filters the candidates cannot be cut to a page before the
 * filters are asked, so the search is one more condition (and the count's).
 */
function prefixMatch(q: string): SQL {
  return sql`(${startsWith("name", q)} or ${startsWith("email", q)})`;
}

/** Whether `column` starts with `q`, case-insensitively: a range of the column's caseless index. */
function startsWith(column: SearchColumn, q: string): SQL {
  const value = sql`"users".${sql.identifier(column)}`;
  return sql`(${caseless(value)} >= ${caselessText(q)} and ${caseless(value)} < ${caselessText(`${q}\u{10FFFF}`)})`;
}

/**
 * Above this many matches a filtered list says "More than 1,000": a filter on
 * two-factor state is decided per user (factors, roles, the organisation's
 * settings), so an exact count reads every user of the organisation, which
 * at 100,000 users takes longer than the page (docs/performance.md).
 */
export const MATCH_COUNT_CAP = 1000;

/**
 * How many of the organisation's users the search and filters match (the
 * filtered list shows it): with filters, at most `cap` + 1, the count
 * stopping there (more than `cap` means "more than"), and so with a search
 * alone. Without either the count reads an index and is exact. `cap: Infinity` counts every match: for
 * a bulk action's confirmation, which must name the number the run will act
 * on, asked once per confirmation rather than at every page view.
 */
export async function countUsers(
  db: Db,
  organisationId: number,
  query: Pick<UserListQuery, "q" | "filter">,
  cap = MATCH_COUNT_CAP,
): Promise<number> {
  const where = and(eq(users.organisationId, organisationId), query.q ? prefixMatch(query.q) : undefined, query.filter);
  if ((!query.filter && !query.q) || cap === Infinity)
    return (await db.select({ matches: count() }).from(users).where(where))[0]!.matches;
  if (!query.filter) {
    // A search alone: those whose name starts with it, then (unless already more than `cap`) those whose email
    // does and name does not, each read off its own index (one "or" reads every user) and stopping at `cap` + 1.
    const upTo = async (column: SearchColumn, also?: SQL) =>
      (
        await db
          .select({ matches: count() })
          .from(
            sql`(select 1 from ${users} where ${and(eq(users.organisationId, organisationId), startsWith(column, query.q), also)} limit ${cap + 1}) as "matching"`,
          )
      )[0]!.matches;
    const byName = await upTo("name");
    if (byName > cap) return byName;
    return Math.min(byName + (await upTo("email", sql`not ${startsWith("name", query.q)}`)), cap + 1);
  }
  const { matches } = (
    await db
      .select({ matches: count() })
      .from(sql`(select 1 from ${users} where ${where} limit ${cap + 1}) as "matching"`)
  )[0]!;
  return matches;
}

/** One page of an organisation's users; `hasMore` instead of a total, which would need every row counted. */
export async function listUsers(db: Db, organisationId: number, query: UserListQuery, now = new Date()) {
  const organisation = (
    await db
      .select({
        policy: organisations.twoFactorPolicy,
        graceDays: organisations.twoFactorGraceDays,
        allowTotp: organisations.allowTotp,
        allowCode: organisations.allowCode,
        allowPasskey: organisations.allowPasskey,
        ...duoAvailabilityColumns,
      })
      .from(organisations)
      .where(eq(organisations.id, organisationId))
  )[0]!;
  const direction = query.direction === "desc" ? sql`desc` : sql`asc`;
  const keyset = query.afterId !== undefined;
  const order = keyset
    ? sql`${users.id} asc`
    : sql`${ORDER[query.sort]} ${direction}${nullsAsSmallest(query.direction)}, ${users.id} ${direction}`;
  const pageSize = query.pageSize ?? USERS_PAGE_SIZE;
  const offset = keyset ? 0 : (query.page - 1) * pageSize;
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isApiAccount: users.isApiAccount,
      disabledAt: users.disabledAt,
      lastSignInAt: users.lastSignInAt,
      userOverride: users.twoFactorRequirement,
      requiredSince: users.twoFactorRequiredSince,
      hasTotp: hasConfirmedAuthenticatorSql,
      roleRequires: roleRequiresTwoFactorSql,
      roleRequiresPhishingResistant: roleRequiresPhishingResistantSql,
      hasPasskey: hasPasskeySql,
      codesEnabledAt: users.codesEnabledAt,
      mobileVerifiedAt: users.mobileVerifiedAt,
      codeDelivery: users.codeDelivery,
      duoEnabledAt: users.duoEnabledAt,
      ssoSubject: users.ssoSubject,
      invited: pendingInvitationSql,
    })
    .from(users)
    // A search's candidates are already the organisation's; naming the
    // organisation again would tempt SQLite to walk its whole index instead.
    .where(
      and(
        query.q && !query.filter && !keyset
          ? await prefixCandidates(db, organisationId, query, order, offset + pageSize + 1)
          : keyset && hidesFromIndex
            ? // A keyset batch walks the primary key from afterId: SQLite would otherwise read the organisation's
              // index, every user's row and subqueries, and sort them all to keep 500 (an export quadratic in users).
              sql`+"users"."organisation_id" = ${organisationId}`
            : eq(users.organisationId, organisationId),
        query.q && (query.filter || keyset) ? prefixMatch(query.q) : undefined,
        keyset ? gt(users.id, query.afterId!) : undefined,
        query.filter,
      ),
    )
    .orderBy(order)
    .limit(pageSize + 1)
    .offset(offset);

  const page = rows.slice(0, pageSize);
  const roleNames = await rolesOfUsers(
    db,
    organisationId,
    page.map((row) => row.id),
  );
  return {
    hasMore: rows.length > pageSize,
    rows: page.map((row): UserListRow => {
      const requirement = effectiveTwoFactorRequirement({
        isApiAccount: row.isApiAccount,
        isSsoUser: row.ssoSubject !== null,
        userOverride: row.userOverride,
        roleRequiresTwoFactor: Boolean(row.roleRequires),
        roleRequiresPhishingResistant: Boolean(row.roleRequiresPhishingResistant),
        organisationPolicy: organisation.policy,
        graceDays: organisation.graceDays,
        requiredSince: row.requiredSince,
        now,
      });
      const methods = usableMethods({
        allowTotp: organisation.allowTotp,
        allowCode: organisation.allowCode,
        hasAuthenticator: Boolean(row.hasTotp),
        codesEnabled: row.codesEnabledAt !== null,
        duoAvailable: duoAvailableIn(organisation),
        duoEnabled: row.duoEnabledAt !== null,
        allowPasskey: organisation.allowPasskey,
        hasPasskey: Boolean(row.hasPasskey),
        requirement,
      });
      return {
        id: row.id,
        name: row.name,
        email: row.email,
        isApiAccount: row.isApiAccount,
        disabled: Boolean(row.disabledAt),
        invited: Boolean(row.invited),
        lastSignInAt: row.lastSignInAt,
        twoFactorMethods: methods,
        enrolment: twoFactorEnrolment({
          methods,
          codesEnabled: row.codesEnabledAt !== null,
          mobileVerified: row.mobileVerifiedAt !== null,
          codeDelivery: row.codeDelivery,
        }),
        requirement: requirement.level,
        roles: roleNames.get(row.id) ?? [],
      };
    }),
  };
}

/** Role names per user, direct or through a group, for a page of users in one query; only the organisation's roles count. */
async function rolesOfUsers(db: Db, organisationId: number, userIds: number[]): Promise<Map<number, string[]>> {
  if (userIds.length === 0) return new Map();
  const direct = db
    .select({ userId: userRoles.userId, name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(inArray(userRoles.userId, userIds), eq(roles.organisationId, organisationId)));
  const viaGroups = db
    .select({ userId: groupMembers.userId, name: roles.name })
    .from(groupMembers)
    .innerJoin(groupRoles, eq(groupRoles.groupId, groupMembers.groupId))
    .innerJoin(roles, eq(roles.id, groupRoles.roleId))
    .where(and(inArray(groupMembers.userId, userIds), eq(roles.organisationId, organisationId)));
  const byUser = new Map<number, Set<string>>();
  for (const { userId, name } of await direct.union(viaGroups)) {
    byUser.set(userId, (byUser.get(userId) ?? new Set()).add(name));
  }
  return new Map([...byUser].map(([userId, names]) => [userId, [...names].sort()]));
}
