import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { checkOnly } from "@/db/portable-sql";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/db";
import { auditEvents, groups, roles, users } from "@/db/schema";
import type { ReferenceKind, ResolvedNames } from "@/lib/audit-log-changes";
import { auditDetailsAsRead } from "@/lib/webhooks/audit-details";

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = {
  /** Part of the name or email of the user the event was about. */
  user?: string;
  /** Part of the name or email of who did it. */
  actor?: string;
  /** Events of these types only (an area is its list of types); undefined: every type. */
  types?: string[];
  /** Events where this user is the actor or the target. */
  userId?: number;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Events older than this id: the next page. */
  before?: number;
  /** Events per page; the log's 50 unless the caller (an export, the API) chooses. */
  pageSize?: number;
};

const actors = alias(users, "actors");
const targets = alias(users, "targets");

/** `text` anywhere in the value, case-insensitive, with `%`, `_` and `\` meaning themselves. */
function contains(columns: SQL[], text: string): SQL {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, "\\$&")}%`;
  return or(...columns.map((column) => sql`lower(${column}) like ${pattern} escape '\\'`))!;
}

/**
 * One page of an organisation's audit log, newest first, filtered. Paged by id, so page turns cost the same at any depth.
 * The one place the log is read (page, CSV export, API): details come out as they may be shown.
 */
export async function listAuditEvents(db: Db, organisationId: number, filter: AuditFilter) {
  const pageSize = filter.pageSize ?? AUDIT_PAGE_SIZE;
  const conditions: Array<SQL | undefined> = [
    eq(auditEvents.organisationId, organisationId),
    filter.types ? inArray(auditEvents.type, filter.types) : undefined,
    filter.from ? gte(auditEvents.createdAt, filter.from) : undefined,
    filter.to ? lt(auditEvents.createdAt, filter.to) : undefined,
    filter.before ? lt(auditEvents.id, filter.before) : undefined,
    filter.user ? contains([sql`${targets.email}`, sql`${targets.name}`], filter.user) : undefined,
    filter.actor ? contains([sql`${actors.email}`, sql`${actors.name}`], filter.actor) : undefined,
    // Through the joins, which name only people of this organisation: an id of elsewhere matches nothing.
    filter.userId ? or(eq(actors.id, filter.userId), eq(targets.id, filter.userId)) : undefined,
  ];
  const rows = await db
    .select({
      id: auditEvents.id,
      type: auditEvents.type,
      createdAt: auditEvents.createdAt,
      ip: auditEvents.ip,
      userAgent: auditEvents.userAgent,
      details: auditEvents.details,
      actor: { id: actors.id, name: actors.name, email: actors.email },
      target: { id: targets.id, name: targets.name, email: targets.email },
    })
    .from(auditEvents)
    // Only people of the same organisation are named: an event that points
    // elsewhere shows no one rather than another organisation's address.
    .leftJoin(actors, and(eq(actors.id, auditEvents.actorUserId), eq(actors.organisationId, organisationId)))
    .leftJoin(targets, and(eq(targets.id, auditEvents.targetUserId), eq(targets.organisationId, organisationId)))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize).map((row) => ({ ...row, details: auditDetailsAsRead(row.type, row.details) }));
  return { rows: page, nextBefore: rows.length > pageSize ? page.at(-1)!.id : null };
}

/** The names behind ids in a page's details: one query per kind, and only the organisation's own. */
export async function namesOf(
  db: Db,
  organisationId: number,
  ids: Record<ReferenceKind, Set<number>>,
): Promise<ResolvedNames> {
  const roleIds = [...ids.role];
  const groupIds = [...ids.group];
  const userIds = [...ids.user];
  const roleRows = roleIds.length
    ? await db
        .select({ id: roles.id, name: roles.name })
        .from(roles)
        .where(and(eq(roles.organisationId, organisationId), inArray(roles.id, roleIds)))
    : [];
  const groupRows = groupIds.length
    ? await db
        .select({ id: groups.id, name: groups.name })
        .from(groups)
        .where(and(eq(groups.organisationId, organisationId), inArray(groups.id, groupIds)))
    : [];
  const userRows = userIds.length
    ? await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(and(inArray(users.id, userIds), checkOnly(users.organisationId, organisationId)))
    : [];
  return {
    role: new Map(roleRows.map((row) => [row.id, row.name])),
    group: new Map(groupRows.map((row) => [row.id, row.name])),
    user: new Map(userRows.map((row) => [row.id, `${row.name} (${row.email})`])),
  };
}

/** A user of the organisation, for naming whose events a page shows; null for anyone else. */
export async function auditSubject(db: Db, organisationId: number, userId: number) {
  return (
    (
      await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)))
    )[0] ?? null
  );
}
