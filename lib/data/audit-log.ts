import "server-only";
import { getDb } from "@/db";
import { auditSubject, listAuditEvents, namesOf, type AuditFilter } from "@/lib/admin/audit-log";
import { auditAreaLabel, auditAreaOf } from "@/lib/audit-areas";
import { auditEventLabel } from "@/lib/audit-events";
import { describeAuditDetails, referencedIds, type AuditChange } from "@/lib/audit-log-changes";
import type { CurrentSession } from "@/lib/auth/guards";
import { PERMISSION_LABELS } from "@/lib/auth/permissions";

export type { AuditFilter, AuditChange };

export type AuditPerson = { id: number; name: string; email: string };

/** One row of the audit log as the page shows it; people are named only when of the same organisation. */
export type AuditLogEvent = {
  id: number;
  /** The stored name (`role.updated`), its label and its area. */
  type: string;
  label: string;
  area: string;
  createdAt: Date;
  ip: string | null;
  actor: AuditPerson | null;
  target: AuditPerson | null;
  /** What the event recorded, names instead of ids (lib/audit-log-changes.ts). */
  changes: AuditChange[];
};

export type AuditLogPage = {
  events: AuditLogEvent[];
  /** The `before` of the next page; null on the last. */ nextBefore: number | null;
};

function person(row: { id: number | null; name: string | null; email: string | null } | null): AuditPerson | null {
  return row?.id != null && row.name != null && row.email != null
    ? { id: row.id, name: row.name, email: row.email }
    : null;
}

/** One page of the actor's organisation's audit log, newest first. */
export async function getAuditLogPage(current: CurrentSession, filter: AuditFilter): Promise<AuditLogPage> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const { rows, nextBefore } = await listAuditEvents(db, organisationId, filter);
  const names = await namesOf(db, organisationId, referencedIds(rows.map((row) => row.details)));
  return {
    events: rows.map((row) => ({
      id: row.id,
      type: row.type,
      label: auditEventLabel(row.type),
      area: auditAreaLabel(auditAreaOf(row.type)),
      createdAt: row.createdAt,
      ip: row.ip,
      actor: person(row.actor),
      target: person(row.target),
      changes: describeAuditDetails(row.type, row.details, names, PERMISSION_LABELS),
    })),
    nextBefore,
  };
}

/** Who `userId` is, when they belong to the actor's organisation; null otherwise, whoever they are elsewhere. */
export async function getAuditSubject(current: CurrentSession, userId: number): Promise<AuditPerson | null> {
  return auditSubject(getDb(), current.organisation.id, userId);
}
