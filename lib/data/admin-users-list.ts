import "server-only";
import { getDb } from "@/db";
import { summarisedMatches } from "@/lib/admin/adoption-summary";
import { accessReach } from "@/lib/admin/delegated-change";
import { rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { countUsers, listUsers, type UserListQuery, type UserListRow } from "@/lib/admin/user-directory";
import { userFilterWhere, type ParsedUserFilters, type UserFilters } from "@/lib/admin/user-filters";
import { groups, roles } from "@/db/schema";
import { asc, eq } from "drizzle-orm";
import type { CurrentSession } from "@/lib/auth/guards";
import { pendingRecoveryRequests } from "@/lib/recovery/requests";

/* What /admin/users shows: the actor's organisation only, whatever the address asks for. */

export type UsersListPage =
  | {
      ok: true;
      rows: UserListRow[];
      hasMore: boolean;
      matches: number;
      /** When `matches` was counted, if it comes from the organisation's summary; null when counted now. */
      countedAt: Date | null;
    }
  | { ok: false; errors: ParsedUserFilters["errors"] };

/** One page of the actor's organisation's users matching the search and filters, and how many match. */
export async function usersOfOrganisation(
  current: CurrentSession,
  query: Omit<UserListQuery, "filter">,
  filters: UserFilters = {},
): Promise<UsersListPage> {
  const db = getDb();
  const filter = await userFilterWhere(db, current.organisation.id, filters);
  if (!filter.ok) return filter;
  const { rows, hasMore } = await listUsers(db, current.organisation.id, { ...query, filter: filter.where });
  // One filter of a large organisation is counted from its summary (with when), anything else live.
  const summarised = query.q ? null : await summarisedMatches(db, current.organisation.id, filters);
  if (summarised) return { ok: true, rows, hasMore, ...summarised };
  const matches = await countUsers(db, current.organisation.id, { q: query.q, filter: filter.where });
  return { ok: true, rows, hasMore, matches, countedAt: null };
}

export type FilterChoice = { id: number; name: string };

/** The organisation's roles and groups, for the filter form's choices. */
export async function filterChoicesOf(
  current: CurrentSession,
): Promise<{ roles: FilterChoice[]; groups: FilterChoice[] }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  return {
    roles: await db
      .select({ id: roles.id, name: roles.name })
      .from(roles)
      .where(eq(roles.organisationId, organisationId))
      .orderBy(asc(roles.name)),
    groups: await db
      .select({ id: groups.id, name: groups.name })
      .from(groups)
      .where(eq(groups.organisationId, organisationId))
      .orderBy(asc(groups.name)),
  };
}

export type GrantChoice = { id: number; name: string; grantable: boolean };
export type GrantChoices = { roles: Array<GrantChoice & { requireTwoFactor: boolean }>; groups: GrantChoice[] };

/** The organisation's roles and groups, each saying whether the actor may give it (lib/admin/delegation.ts). */
export async function grantChoicesOf(current: CurrentSession): Promise<GrantChoices> {
  const db = getDb();
  return rolesAndGroupsOf(db, current.organisation.id, await accessReach(db, current.organisation.id, current.user.id));
}

export type PendingRecoveryRequestRow = {
  id: number;
  userId: number;
  name: string;
  email: string;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
};

/** The organisation's pending "I can't use any of my methods" requests, oldest first. */
export async function pendingRecoveryRequestsOf(current: CurrentSession): Promise<PendingRecoveryRequestRow[]> {
  return (await pendingRecoveryRequests(getDb(), current.organisation.id)).map(
    ({ id, userId, name, email, createdAt, ip, userAgent }) => ({
      id,
      userId,
      name,
      email,
      createdAt,
      ip,
      userAgent,
    }),
  );
}
