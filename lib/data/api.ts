import "server-only";
import { getDb } from "@/db";
import type { Permission } from "@/db/schema";
import { apiAuditPage, type ApiAuditPage } from "@/lib/api/audit-list";
import type { ApiRead } from "@/lib/api/list-response";
import type { ParameterError } from "@/lib/api/pagination";
import type { ApiCaller } from "@/lib/api/tokens";
import { apiUsersPage, type ApiUsersPage } from "@/lib/api/user-list";
import { permissionsOf, rolesOfUser, userHasPermission } from "@/lib/auth/permissions";
import { appKeyRing } from "@/lib/keys/app-key-ring";

/*
 * What the JSON API (/api/v1) reads, always for the calling API account and
 * within its organisation. The permission is read from the database at each
 * request, so taking a role away closes the API at once (OWASP ASVS 5.0
 * V8.3.1: authorization enforced at the trusted service layer).
 */

/** The caller's permissions, sorted. */
export async function permissionsOfCaller(caller: ApiCaller): Promise<Permission[]> {
  return [...permissionsOf(await rolesOfUser(getDb(), caller.user.id))].sort();
}

/** Runs `read` for the caller's organisation when the caller holds `permission`. */
async function readWith<T>(
  caller: ApiCaller,
  permission: Permission,
  read: (organisationId: number) => Promise<{ ok: true; value: T } | ParameterError>,
): Promise<ApiRead<T>> {
  if (!(await userHasPermission(getDb(), caller.user.id, permission))) return { ok: false, forbidden: permission };
  return read(caller.organisation.id);
}

/** A page of the caller's organisation's users for the query string (users:read). */
export async function usersPageForCaller(caller: ApiCaller, params: URLSearchParams): Promise<ApiRead<ApiUsersPage>> {
  return readWith(caller, "users:read", (organisationId) =>
    apiUsersPage(getDb(), appKeyRing(), organisationId, params),
  );
}

/** A page of the caller's organisation's audit log for the query string (audit:read, as /admin/audit). */
export async function auditPageForCaller(caller: ApiCaller, params: URLSearchParams): Promise<ApiRead<ApiAuditPage>> {
  return readWith(caller, "audit:read", (organisationId) =>
    apiAuditPage(getDb(), appKeyRing(), organisationId, params),
  );
}
