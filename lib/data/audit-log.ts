import "server-only";
import { getDb } from "@/db";
import { listAuditEvents, type AuditFilter } from "@/lib/admin/audit-log";
import type { CurrentSession } from "@/lib/auth/guards";

export type { AuditFilter };

/** One row of the audit log as the page shows it; people are named only by their address, and only when of the same organisation. */
export type AuditLogEvent = {
  id: number;
  type: string;
  createdAt: Date;
  ip: string | null;
  details: Record<string, unknown> | null;
  actorEmail: string | null;
  targetEmail: string | null;
};

export type AuditLogPage = {
  events: AuditLogEvent[];
  /** The `before` of the next page; null on the last. */ nextBefore: number | null;
};

/** One page of the actor's organisation's audit log, newest first. */
export async function getAuditLogPage(current: CurrentSession, filter: AuditFilter): Promise<AuditLogPage> {
  const { rows, nextBefore } = listAuditEvents(getDb(), current.organisation.id, filter);
  return {
    events: rows.map((row) => ({
      id: row.id,
      type: row.type,
      createdAt: row.createdAt,
      ip: row.ip,
      details: row.details,
      actorEmail: row.actor?.email ?? null,
      targetEmail: row.target?.email ?? null,
    })),
    nextBefore,
  };
}
