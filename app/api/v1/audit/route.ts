import { apiMethodNotAllowed, apiRoute } from "@/lib/api/guard";
import { listResponse } from "@/lib/api/list-response";
import { auditPageForCaller } from "@/lib/data/api";

/**
 * The caller's organisation's audit log, newest first, filtered as
 * /admin/audit is, by cursor (`limit`, `cursor`; docs/api.md). Needs the
 * audit:read permission, as the page does.
 */
export const GET = apiRoute(async (caller, request) =>
  listResponse(await auditPageForCaller(caller, request.nextUrl.searchParams), "the audit log"),
);

const notAllowed = apiMethodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
