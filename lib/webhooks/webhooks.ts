import "server-only";
import { and, count, desc, eq } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { KeysBusyError, transactionOnKeys } from "@/db/keyed-transaction";
import { recordAuditEvent } from "@/lib/audit";
import type { AuditEventName } from "@/lib/audit-events";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { webhookSecretBinding } from "@/lib/keys/bindings";
import { encryptSecret } from "@/lib/keys/secrets";
import type { RequestContext } from "@/lib/request-context";
import { latestDisabledEvent } from "@/lib/webhooks/disabled-event";
import { checkWebhookUrl, type Resolve, type WebhookUrlProblem } from "@/lib/webhooks/address-rule";
import {
  AUTO_DISABLED_REASON,
  retryDeliveryNow,
  TEST_EVENT_TYPE,
  webhookAuditDetails,
  webhookPayload,
} from "@/lib/webhooks/queue";
import { generateWebhookSecret } from "@/lib/webhooks/signing";

/*
 * An organisation's webhooks, for the admin pages: every function takes the
 * actor's organisation and touches only its rows, so an id from the browser
 * that belongs elsewhere is simply not found (ASVS 5.0 V8.2.2). Each change
 * is audited. DTOs only: the stored ciphertext never leaves this module.
 */

export type WebhookActor = { userId: number; organisationId: number; context?: RequestContext };

export type WebhookSummary = {
  id: number;
  url: string;
  description: string | null;
  enabled: boolean;
  /** Disabled by the circuit breaker (its last deliveries all failed), not by an administrator. */
  disabledAutomatically: boolean;
  createdAt: Date;
  lastDelivery: { state: "pending" | "delivered" | "failed"; at: Date } | null;
};

export type DeliveryLogEntry = {
  id: number;
  eventType: string;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
};

async function audit(db: Db, actor: WebhookActor, type: AuditEventName, webhookId: number, url: string) {
  await recordAuditEvent(db, {
    type,
    organisationId: actor.organisationId,
    actorUserId: actor.userId,
    context: actor.context,
    details: webhookAuditDetails(webhookId, url),
  });
}

export async function listWebhooks(db: Db, organisationId: number): Promise<WebhookSummary[]> {
  const rows = await db
    .select({
      id: webhooks.id,
      url: webhooks.url,
      description: webhooks.description,
      enabled: webhooks.enabled,
      createdAt: webhooks.createdAt,
    })
    .from(webhooks)
    .where(eq(webhooks.organisationId, organisationId))
    .orderBy(webhooks.id);
  return await Promise.all(
    rows.map(async (row) => {
      const [last] = await db
        .select({ state: webhookDeliveries.state, createdAt: webhookDeliveries.createdAt })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.webhookId, row.id))
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(1);
      return {
        ...row,
        disabledAutomatically:
          !row.enabled &&
          (await latestDisabledEvent(db, organisationId, row.id))?.details?.reason === AUTO_DISABLED_REASON,
        lastDelivery: last ? { state: last.state, at: last.createdAt } : null,
      };
    }),
  );
}

export async function findWebhook(db: Db, organisationId: number, id: number) {
  const [row] = await db
    .select({ id: webhooks.id, url: webhooks.url, description: webhooks.description, enabled: webhooks.enabled })
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.organisationId, organisationId)));
  return row ?? null;
}

/** The last 50 deliveries of one of the organisation's webhooks, newest first (null when not the organisation's). */
export async function deliveryLog(
  db: Db,
  organisationId: number,
  webhookId: number,
): Promise<DeliveryLogEntry[] | null> {
  if (!(await findWebhook(db, organisationId, webhookId))) return null;
  return await db
    .select({
      id: webhookDeliveries.id,
      eventType: webhookDeliveries.eventType,
      state: webhookDeliveries.state,
      attempts: webhookDeliveries.attempts,
      lastResponseStatus: webhookDeliveries.lastResponseStatus,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      deliveredAt: webhookDeliveries.deliveredAt,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(50);
}

/** Webhooks one organisation may have: each multiplies every audit event into the queue (review M1). */
export const MAX_WEBHOOKS_PER_ORGANISATION = 10;

async function countWebhooks(db: Executor, organisationId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhooks).where(eq(webhooks.organisationId, organisationId));
  return row?.n ?? 0;
}

export type CreateResult =
  { ok: true; id: number; secret: string } | { ok: false; problem: WebhookUrlProblem | "too-many" | "busy" };

/** Adds a webhook after checking its URL; the secret is returned this once and stored encrypted, bound to the row. */
export async function createWebhook(
  db: Db,
  actor: WebhookActor,
  input: { url: string; description: string | null },
  options: { allowedHosts: readonly string[]; resolve?: Resolve },
): Promise<CreateResult> {
  if ((await countWebhooks(db, actor.organisationId)) >= MAX_WEBHOOKS_PER_ORGANISATION)
    return { ok: false, problem: "too-many" };
  const checked = await checkWebhookUrl(input.url, options);
  if (!checked.ok) return checked;
  const url = checked.target.url.href;
  const secret = generateWebhookSecret();
  let id: number | null;
  try {
    id = await insertUnderCap(db, actor.organisationId, url, input.description, secret);
  } catch (error) {
    // Another add held the organisation's key past the lock timeout: say so, rather than a 500.
    if (error instanceof KeysBusyError) return { ok: false, problem: "busy" };
    throw error;
  }
  if (id === null) return { ok: false, problem: "too-many" };
  await audit(db, actor, "webhook.created", id, url);
  return { ok: true, id, secret };
}

/**
 * Counts and inserts as one step per organisation: adds at the same moment
 * take turns on the organisation's key (transactionOnKeys), so each counts
 * what the one before it inserted and no two pass the cap together (ASVS 5.0
 * V2.3.2, business limits under concurrency). Null when the cap is reached.
 */
async function insertUnderCap(
  db: Db,
  organisationId: number,
  url: string,
  description: string | null,
  secret: string,
): Promise<number | null> {
  return await transactionOnKeys(db, [`webhooks of organisation ${organisationId}`], async (tx) => {
    if ((await countWebhooks(tx, organisationId)) >= MAX_WEBHOOKS_PER_ORGANISATION) return null;
    // The ciphertext is bound to the row's id, known only once the row exists.
    const [row] = await tx
      .insert(webhooks)
      .values({ organisationId, url, description, secretEncrypted: "" })
      .returning({ id: webhooks.id });
    await tx
      .update(webhooks)
      .set({ secretEncrypted: encryptSecret(secret, webhookSecretBinding(row!.id), appKeyRing()) })
      .where(eq(webhooks.id, row!.id));
    return row!.id;
  });
}

/** A new secret replaces the old at once; returned this once. Null when the webhook is not the organisation's. */
export async function rotateWebhookSecret(db: Db, actor: WebhookActor, id: number): Promise<string | null> {
  const webhook = await findWebhook(db, actor.organisationId, id);
  if (!webhook) return null;
  const secret = generateWebhookSecret();
  await db
    .update(webhooks)
    .set({ secretEncrypted: encryptSecret(secret, webhookSecretBinding(id), appKeyRing()) })
    .where(and(eq(webhooks.id, id), eq(webhooks.organisationId, actor.organisationId)));
  await audit(db, actor, "webhook_secret.rotated", id, webhook.url);
  return secret;
}

/**
 * Enables or disables one of the organisation's webhooks. While disabled, no
 * new event is queued for it; what was queued before stays 7 days
 * (lib/retention/purge.ts) and is sent if it is enabled again within that
 * time: the result says how many, so the page can tell the administrator.
 * Null when the webhook is not the organisation's.
 */
export async function setWebhookEnabled(
  db: Db,
  actor: WebhookActor,
  id: number,
  enabled: boolean,
): Promise<{ queued: number } | null> {
  const [changed] = await db
    .update(webhooks)
    .set({ enabled })
    .where(and(eq(webhooks.id, id), eq(webhooks.organisationId, actor.organisationId)))
    .returning({ url: webhooks.url });
  if (!changed) return null;
  // Counted before the audit event, which an enabled webhook hears of too.
  const [queued] = await db
    .select({ n: count() })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.state, "pending")));
  await audit(db, actor, enabled ? "webhook.enabled" : "webhook.disabled", id, changed.url);
  return { queued: queued?.n ?? 0 };
}

export async function deleteWebhook(db: Db, actor: WebhookActor, id: number): Promise<boolean> {
  const [deleted] = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.organisationId, actor.organisationId)))
    .returning({ url: webhooks.url });
  if (!deleted) return false;
  await audit(db, actor, "webhook.deleted", id, deleted.url);
  return true;
}

/**
 * Queues a `webhook.test` event for one enabled webhook (due now). A disabled
 * webhook is refused rather than given a test the worker would never send.
 */
export async function sendTestEvent(
  db: Db,
  actor: WebhookActor,
  id: number,
  now = new Date(),
): Promise<"queued" | "disabled" | "not-found"> {
  const webhook = await findWebhook(db, actor.organisationId, id);
  if (!webhook) return "not-found";
  if (!webhook.enabled) return "disabled";
  await db.insert(webhookDeliveries).values({
    webhookId: id,
    eventType: TEST_EVENT_TYPE,
    payload: webhookPayload({
      id: 0,
      type: TEST_EVENT_TYPE,
      actorUserId: actor.userId,
      targetUserId: null,
      ip: null,
      details: { webhookId: id },
      createdAt: now,
    }),
    nextAttemptAt: now,
    createdAt: now,
  });
  await audit(db, actor, "webhook_test.sent", id, webhook.url);
  return "queued";
}

/** "Retry now" on a failed delivery of one of the organisation's webhooks. */
export async function retryDelivery(db: Db, actor: WebhookActor, deliveryId: number): Promise<boolean> {
  const retried = await retryDeliveryNow(db, actor.organisationId, deliveryId);
  if (!retried) return false;
  const webhook = await findWebhook(db, actor.organisationId, retried.webhookId);
  await audit(db, actor, "webhook_delivery.retried", retried.webhookId, webhook?.url ?? "");
  return true;
}
