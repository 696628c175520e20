import type { Db } from "@/db";
import { listAuditEvents } from "@/lib/admin/audit-log";
import { cursorRefusal, decodeCursor, encodeCursor, type CursorScope } from "@/lib/api/cursor";
import { parseCursorPaging, type ParameterError } from "@/lib/api/pagination";
import { isAuditArea } from "@/lib/audit-areas";
import { AUDIT_EVENT_NAMES, auditEventLabel } from "@/lib/audit-events";
import { auditLogHref, parseAuditFilter } from "@/lib/audit-log-filter";
import type { KeyRing } from "@/lib/keys/key-ring";

/*
 * GET /api/v1/audit without Next.js: the /admin/audit filters under the same
 * names, parsed and turned into SQL by the log's own code
 * (lib/audit-log-filter.ts, lib/admin/audit-log.ts), newest first, paged by
 * an opaque cursor (keyset: id < the last one). Each event carries the
 * columns of the CSV export (lib/data/exports.ts) and nothing more: no ids of
 * people, no names, nothing of another organisation.
 */

export type ApiAuditEvent = {
  id: number;
  occurredAt: string;
  type: string;
  label: string;
  actorEmail: string | null;
  targetEmail: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, string | number | boolean | null> | null;
};

export type ApiAuditPage = { events: ApiAuditEvent[]; next_cursor: string | null };

/** Days are whole days in UTC: an API client has no time zone we could know. */
const API_TIME_ZONE = "UTC";
const KNOWN_TYPES = new Set<string>(AUDIT_EVENT_NAMES);

/**
 * The page quietly drops an unknown type or area (a stale bookmark still
 * opens); a program is told, since dropping its only type would widen the
 * answer to every event.
 */
function unknownValue(params: URLSearchParams): ParameterError | null {
  const type = params.getAll("type").find((value) => !KNOWN_TYPES.has(value));
  if (type !== undefined)
    return { ok: false, parameter: "type", message: `"${type}" is not an event type (they look like user.disabled).` };
  const area = params.getAll("area").find((value) => !isAuditArea(value));
  if (area !== undefined) return { ok: false, parameter: "area", message: `"${area}" is not an area of the log.` };
  return null;
}

/** One page of `organisationId`'s audit log for the query string `params`, or the first parameter it cannot use. */
export async function apiAuditPage(
  db: Db,
  ring: KeyRing,
  organisationId: number,
  params: URLSearchParams,
): Promise<{ ok: true; value: ApiAuditPage } | ParameterError> {
  const unknown = unknownValue(params);
  if (unknown) return unknown;
  const raw: Record<string, string[]> = {};
  for (const [key, value] of params) if (key !== "before") (raw[key] ??= []).push(value);
  const { values, errors, filter } = parseAuditFilter(raw, API_TIME_ZONE);
  const parameter = (["from", "to", "userId"] as const).find((field) => errors[field]);
  if (parameter) return { ok: false, parameter, message: errors[parameter]! };
  const paging = parseCursorPaging(params);
  if (!paging.ok) return paging;

  // The filters as the log's own address writes them, types in a stable order.
  const scope: CursorScope = {
    endpoint: "audit",
    organisationId,
    filter: auditLogHref({ ...values, types: [...values.types].sort() }),
  };
  let before: number | undefined;
  if (paging.value.cursor !== undefined) {
    const decoded = decodeCursor(ring, scope, paging.value.cursor);
    if (!decoded.ok) return cursorRefusal(decoded.reason);
    before = decoded.position;
  }
  const { rows, nextBefore } = await listAuditEvents(db, organisationId, {
    ...filter,
    before,
    pageSize: paging.value.limit,
  });
  return {
    ok: true,
    value: {
      events: rows.map((row) => ({
        id: row.id,
        occurredAt: row.createdAt.toISOString(),
        type: row.type,
        label: auditEventLabel(row.type),
        actorEmail: row.actor?.email ?? null,
        targetEmail: row.target?.email ?? null,
        ip: row.ip,
        userAgent: row.userAgent,
        details: row.details ?? null,
      })),
      next_cursor: nextBefore === null ? null : encodeCursor(ring, scope, nextBefore),
    },
  };
}
