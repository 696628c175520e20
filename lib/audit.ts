import type { Db, Executor } from "@/db";
import { auditEvents } from "@/db/schema";
import type { AuditEventName } from "@/lib/audit-events";
import { enqueueAuditEvent } from "@/lib/webhooks/queue";
import type { RequestContext } from "@/lib/request-context";

// The names and their rule live in lib/audit-events.ts.
// Kept until app/(app)/admin/audit/page.tsx imports AUDIT_EVENT_NAMES from there.

export type AuditEventInput = {
  type: AuditEventName;
  organisationId: number | null;
  actorUserId?: number | null;
  targetUserId?: number | null;
  context?: RequestContext;
  details?: Record<string, string | number | boolean | null>;
  at?: Date;
};

export async function recordAuditEvent(db: Executor, event: AuditEventInput): Promise<void> {
  const [recorded] = await db
    .insert(auditEvents)
    .values({
      type: event.type,
      organisationId: event.organisationId,
      actorUserId: event.actorUserId ?? null,
      targetUserId: event.targetUserId ?? null,
      ip: event.context?.ip ?? null,
      userAgent: event.context?.userAgent ?? null,
      details: event.details ?? null,
      ...(event.at ? { createdAt: event.at } : {}),
    })
    .returning();
  // Streamed to the organisation's webhooks (lib/webhooks): a queued row per webhook, sent later by the worker.
  if (recorded?.organisationId != null)
    await enqueueAuditEvent(db, { ...recorded, organisationId: recorded.organisationId });
}

type Actor = { user: { id: number; organisationId: number }; context: RequestContext };

/** An event done by a signed-in user (to themselves, or as an admin to `targetUserId`). */
export async function recordActorEvent(
  db: Db,
  actor: Actor,
  type: AuditEventName,
  options: { targetUserId?: number; details?: AuditEventInput["details"] } = {},
): Promise<void> {
  await recordAuditEvent(db, {
    type,
    organisationId: actor.user.organisationId,
    actorUserId: actor.user.id,
    targetUserId: options.targetUserId,
    context: actor.context,
    details: options.details,
  });
}
