import "server-only";
import { getDb } from "@/db";
import type { Permission } from "@/db/schema";
import { listUsers } from "@/lib/admin/user-directory";
import type { ApiCaller } from "@/lib/api/tokens";
import { permissionsOf, rolesOfUser, userHasPermission } from "@/lib/auth/permissions";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";

/* What the JSON API (/api/v1) reads, always for the calling API account and within its organisation. */

/** The caller's permissions, sorted. */
export async function permissionsOfCaller(caller: ApiCaller): Promise<Permission[]> {
  return [...permissionsOf(await rolesOfUser(getDb(), caller.user.id))].sort();
}

export type ApiUser = {
  id: number;
  email: string;
  name: string;
  isApiAccount: boolean;
  disabled: boolean;
  requirement: Requirement["level"];
  twoFactorMethods: SecondFactorMethod[];
  lastSignInAt: Date | null;
};

/** Whether the caller may read its organisation's users (the users:read permission). */
export async function callerMayReadUsers(caller: ApiCaller): Promise<boolean> {
  return userHasPermission(getDb(), caller.user.id, "users:read");
}

/** One page of the caller's organisation's users, oldest first; null without the users:read permission. */
export async function usersPageForCaller(
  caller: ApiCaller,
  pagination: { page: number; perPage: number },
): Promise<{ users: ApiUser[]; hasMore: boolean } | null> {
  const db = getDb();
  if (!(await userHasPermission(db, caller.user.id, "users:read"))) return null;
  const { rows, hasMore } = await listUsers(db, caller.organisation.id, {
    q: "",
    sort: "created",
    direction: "asc",
    page: pagination.page,
    pageSize: pagination.perPage,
  });
  return {
    hasMore,
    users: rows.map(({ id, email, name, isApiAccount, disabled, requirement, twoFactorMethods, lastSignInAt }) => ({
      id,
      email,
      name,
      isApiAccount,
      disabled,
      requirement,
      twoFactorMethods,
      lastSignInAt,
    })),
  };
}
