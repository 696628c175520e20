import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { jsonText } from "@/db/portable-sql";
import { auditEvents } from "@/db/schema";

/**
 * The webhook's latest `webhook.disabled` audit event: when it was disabled,
 * and by whom or why (no column holds either). Undefined when the event has
 * been purged (the audit log keeps at least 90 days) or never existed.
 */
export async function latestDisabledEvent(db: Db, organisationId: number, webhookId: number) {
  const [latest] = await db
    .select({ createdAt: auditEvents.createdAt, details: auditEvents.details })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organisationId, organisationId),
        eq(auditEvents.type, "webhook.disabled"),
        eq(jsonText(auditEvents.details, "webhookId"), String(webhookId)),
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(1);
  return latest;
}
