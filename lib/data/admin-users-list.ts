import "server-only";
import { getDb } from "@/db";
import { accessReach } from "@/lib/admin/delegated-change";
import { rolesAndGroupsOf } from "@/lib/admin/user-admin";
import { listUsers, type UserListQuery, type UserListRow } from "@/lib/admin/user-directory";
import type { CurrentSession } from "@/lib/auth/guards";
import { pendingRecoveryRequests } from "@/lib/recovery/requests";

/* What /admin/users shows: the actor's organisation only, whatever the address asks for. */

export type UsersListPage = { rows: UserListRow[]; hasMore: boolean };

/** One page of the actor's organisation's users. */
export async function usersOfOrganisation(current: CurrentSession, query: UserListQuery): Promise<UsersListPage> {
  const { rows, hasMore } = await listUsers(getDb(), current.organisation.id, query);
  return { rows, hasMore };
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
