import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "@/db";
import { auditEvents, users } from "@/db/schema";

export const AUDIT_PAGE_SIZE = 50;

export type AuditFilter = {
  /** Email of the user the event was about. */
  user?: string;
  /** Email of who did it. */
  actor?: string;
  type?: string;
  from?: Date;
  /** Inclusive: the whole of that day. */
  to?: Date;
  /** Events older than this id: the next page. */
  before?: number;
};

const actors = alias(users, "actors");
const targets = alias(users, "targets");

/** One page of an organisation's audit log, newest first, filtered. Paged by id, so page turns cost the same at any depth. */
export function listAuditEvents(db: Db, organisationId: number, filter: AuditFilter) {
  const conditions: Array<SQL | undefined> = [
    eq(auditEvents.organisationId, organisationId),
    filter.type ? eq(auditEvents.type, filter.type) : undefined,
    filter.from ? gte(auditEvents.createdAt, filter.from) : undefined,
    filter.to ? lte(auditEvents.createdAt, filter.to) : undefined,
    filter.before ? lt(auditEvents.id, filter.before) : undefined,
    filter.user ? sql`lower(${targets.email}) = lower(${filter.user})` : undefined,
    filter.actor ? sql`lower(${actors.email}) = lower(${filter.actor})` : undefined,
  ];
  const rows = db
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
    .limit(AUDIT_PAGE_SIZE + 1)
    .all();
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { rows: page, nextBefore: rows.length > AUDIT_PAGE_SIZE ? page.at(-1)!.id : null };
}
