import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { auditEventLabel } from "@/lib/audit-events";
import { listAuditEvents, type AuditFilter } from "@/lib/admin/audit-log";
import { listUsers } from "@/lib/admin/user-directory";
import { userFilterParams, userFilterWhere, type ParsedUserFilters, type UserFilters } from "@/lib/admin/user-filters";
import type { CurrentSession } from "@/lib/auth/guards";
import { REQUIREMENT_LABELS } from "@/lib/admin/labels";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

/*
 * The CSV exports of /admin/users and /admin/audit: the actor's organisation
 * only, read in keyset batches as the download is taken (never every row in
 * memory), audited when they start (ASVS 5.0 V16.2.1: who took which data).
 */

/** Rows per database read of an export. */
export const EXPORT_BATCH = 500;

type Cell = string | number | boolean | null;
export type CsvExport = { header: string[]; batches: AsyncGenerator<Cell[][]> };

export const USERS_CSV_HEADER = [
  "id",
  "name",
  "email",
  "status",
  "two_factor_set_up",
  "requirement",
  "roles",
  "last_sign_in_at",
];

/** The filtered users list as CSV batches, or the filters' errors. Audited as `users.exported`. */
export async function usersExport(
  current: CurrentSession,
  q: string,
  filters: UserFilters,
): Promise<({ ok: true } & CsvExport) | { ok: false; errors: ParsedUserFilters["errors"] }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const filter = await userFilterWhere(db, organisationId, filters);
  if (!filter.ok) return filter;
  await recordActorEvent(db, current, "users.exported", {
    details: { search: q || null, filters: userFilterParams(filters).toString() || null },
  });
  async function* batches() {
    let afterId = 0;
    for (;;) {
      const { rows, hasMore } = await listUsers(db, organisationId, {
        q,
        sort: "name",
        direction: "asc",
        page: 1,
        pageSize: EXPORT_BATCH,
        filter: filter.ok ? filter.where : undefined,
        afterId,
      });
      if (rows.length > 0)
        yield rows.map((row): Cell[] => [
          row.id,
          row.name,
          row.email,
          row.disabled ? "disabled" : row.invited ? "invited" : row.isApiAccount ? "api account" : "active",
          row.enrolment.enrolled.map((method) => METHOD_LABELS[method]).join("; "),
          REQUIREMENT_LABELS[row.requirement],
          row.roles.join("; "),
          row.lastSignInAt?.toISOString() ?? "",
        ]);
      if (!hasMore) return;
      afterId = rows.at(-1)!.id;
    }
  }
  return { ok: true, header: USERS_CSV_HEADER, batches: batches() };
}

export const AUDIT_CSV_HEADER = [
  "id",
  "time",
  "type",
  "event",
  "actor_email",
  "target_email",
  "ip",
  "user_agent",
  "details",
];

/** The filtered audit log as CSV batches, newest first. Audited as `audit.exported`. */
export async function auditExport(current: CurrentSession, filter: AuditFilter): Promise<CsvExport> {
  const db = getDb();
  const organisationId = current.organisation.id;
  await recordActorEvent(db, current, "audit.exported", {
    details: {
      types: filter.types?.join(" ") ?? null,
      from: filter.from?.toISOString() ?? null,
      to: filter.to?.toISOString() ?? null,
    },
  });
  // A fixed end: events written while the download runs are left out (this export's own event is its first row).
  const { rows: newest } = await listAuditEvents(db, organisationId, { pageSize: 1 });
  const start = (newest[0]?.id ?? 0) + 1;
  async function* batches() {
    let before: number | null = start;
    while (before !== null) {
      const page = await listAuditEvents(db, organisationId, { ...filter, before, pageSize: EXPORT_BATCH });
      if (page.rows.length > 0)
        yield page.rows.map((row): Cell[] => [
          row.id,
          row.createdAt.toISOString(),
          row.type,
          auditEventLabel(row.type),
          row.actor?.email ?? "",
          row.target?.email ?? "",
          row.ip ?? "",
          row.userAgent ?? "",
          row.details ? JSON.stringify(row.details) : "",
        ]);
      before = page.nextBefore;
    }
  }
  return { header: AUDIT_CSV_HEADER, batches: batches() };
}
