import { apiMethodNotAllowed, apiRoute } from "@/lib/api/guard";
import { listResponse } from "@/lib/api/list-response";
import { usersPageForCaller } from "@/lib/data/api";

/**
 * The caller's organisation's users, oldest first (so a new user never
 * shifts the pages already read), filtered as /admin/users is, by cursor
 * (`limit`, `cursor`) or by `page` and `per_page` (docs/api.md).
 */
export const GET = apiRoute(async (caller, request) =>
  listResponse(await usersPageForCaller(caller, request.nextUrl.searchParams), "users"),
);

const notAllowed = apiMethodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
