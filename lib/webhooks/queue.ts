import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { runStatement, type Db, type Executor } from "@/db";
import { timestampValue } from "@/db/portable-sql";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { webhookSecretBinding } from "@/lib/keys/bindings";
import { decryptSecret } from "@/lib/keys/secrets";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { checkWebhookUrl, type Resolve } from "@/lib/webhooks/address-rule";
import { postToWebhook } from "@/lib/webhooks/post";
import { signedWebhookHeaders } from "@/lib/webhooks/signing";

/*
 * The delivery queue: one row per (event, webhook), written in the same
 * statement batch as the audit event, sent by a worker in each process.
 * A row is taken with a lease (a conditional update), so several processes
 * or instances never send one delivery twice at once.
 */

/** Attempts before a delivery is given up as failed. */
export const MAX_ATTEMPTS = 8;
/** Multiples of the base delay (30 s by default): 30 s, 2 min, 10 min, 1 h, 6 h, 24 h, 24 h. */
const BACKOFF_MULTIPLES = [1, 4, 20, 120, 720, 2880, 2880] as const;
/** How long a worker holds a delivery: the whole attempt's deadline with room to spare. */
const LEASE_MS = 60_000;
/**
 * Each attempt (name lookup, connection, request and status line together)
 * ends by then, well inside the lease, so no other worker takes the row while
 * this one still sends it.
 */
export const ATTEMPT_DEADLINE_MS = 15_000;
/** Deliveries one pass takes at most. */
const BATCH = 20;

export type AuditEventForWebhook = {
  id: number;
  type: string;
  organisationId: number;
  actorUserId: number | null;
  targetUserId: number | null;
  ip: string | null;
  details: Record<string, string | number | boolean | null> | null;
  createdAt: Date;
};

/** The JSON body: the event, never secrets or hashes (audit details hold neither). */
export function webhookPayload(event: Omit<AuditEventForWebhook, "organisationId">): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: {
      id: event.id,
      type: event.type,
      actor: event.actorUserId,
      target: event.targetUserId,
      ip: event.ip,
      details: event.details,
      createdAt: event.createdAt.toISOString(),
    },
  });
}

/** One pending delivery per enabled webhook of the event's organisation, in one INSERT … SELECT (nothing when none). */
export async function enqueueAuditEvent(db: Executor, event: AuditEventForWebhook): Promise<void> {
  const column = (name: string) => sql.identifier(name);
  const at = timestampValue(event.createdAt);
  await runStatement(
    db,
    sql`insert into ${webhookDeliveries} (${column("webhook_id")}, ${column("audit_event_id")}, ${column("event_type")}, ${column("payload")}, ${column("state")}, ${column("attempts")}, ${column("next_attempt_at")}, ${column("created_at")})
      select ${webhooks.id}, cast(${event.id} as integer), cast(${event.type} as text), cast(${webhookPayload(event)} as text), 'pending', 0, ${at}, ${at}
      from ${webhooks} where ${and(eq(webhooks.organisationId, event.organisationId), eq(webhooks.enabled, true))}`,
  );
}

/** The delay before attempt `attempts + 1`, with ±20 % jitter so failed receivers are not hit in step. */
export function retryDelayMs(attempts: number, baseMs: number, random = Math.random): number {
  const multiple = BACKOFF_MULTIPLES[Math.min(attempts, BACKOFF_MULTIPLES.length) - 1] ?? 1;
  return Math.round(baseMs * multiple * (0.8 + 0.4 * random()));
}

export type WorkerOptions = {
  allowedHosts: readonly string[];
  retryBaseMs: number;
  now?: () => Date;
  resolve?: Resolve;
  /** The attempt's deadline (ATTEMPT_DEADLINE_MS unless a test says otherwise). */
  deadlineMs?: number;
};

/** Takes one delivery if it is still due and unleased: the conditional update is the lock. */
async function lease(db: Db, id: number, now: Date) {
  const [taken] = await db
    .update(webhookDeliveries)
    .set({ leasedUntil: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.state, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.leasedUntil), lt(webhookDeliveries.leasedUntil, now)),
      ),
    )
    .returning();
  return taken;
}

const PROBLEM_TEXT = {
  invalid: "The URL is not valid",
  "not-https": "The URL is not https",
  "private-address": "The host resolves to a private address",
  unresolvable: "The host name could not be resolved",
} as const;

type Outcome = { status: number | null; error: string | null };

/** Checks the URL again, signs and posts: the outcome of one try, whatever the receiver answered. */
async function send(
  webhook: typeof webhooks.$inferSelect,
  delivery: typeof webhookDeliveries.$inferSelect,
  now: Date,
  options: WorkerOptions,
): Promise<Outcome> {
  const signal = AbortSignal.timeout(options.deadlineMs ?? ATTEMPT_DEADLINE_MS);
  const checked = await checkWebhookUrl(webhook.url, {
    allowedHosts: options.allowedHosts,
    resolve: options.resolve,
    signal,
  });
  if (!checked.ok) return { status: null, error: PROBLEM_TEXT[checked.problem] };
  const secret = decryptSecret(webhook.secretEncrypted, webhookSecretBinding(webhook.id), appKeyRing());
  const headers = signedWebhookHeaders(
    secret,
    `msg_${delivery.id}`,
    Math.floor(now.getTime() / 1000),
    delivery.payload,
  );
  const outcome = await postToWebhook(checked.target, headers, delivery.payload, signal);
  if (!("status" in outcome)) return { status: null, error: outcome.error };
  const status = outcome.status;
  if (status >= 200 && status <= 299) return { status, error: null };
  return {
    status,
    error: status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`,
  };
}

/** What the log says when the attempt itself broke (an undecryptable secret, a database error): no internals. */
export const ATTEMPT_BROKE_TEXT = "The delivery could not be prepared (see the server log)";

/**
 * One attempt. Whatever goes wrong, it ends as an attempt recorded with its
 * backoff (failed after MAX_ATTEMPTS): an exception must never leave the row
 * first in line to break every later pass (OWASP ASVS 5.0 V16.5.3, fail
 * securely without stopping other tenants' work).
 */
async function attempt(db: Db, delivery: typeof webhookDeliveries.$inferSelect, options: WorkerOptions): Promise<void> {
  const now = options.now?.() ?? new Date();
  let outcome: Outcome;
  try {
    const [webhook] = await db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId));
    if (!webhook) return;
    outcome = await send(webhook, delivery, now, options);
  } catch (error) {
    console.error(`Twofold: webhook delivery ${delivery.id}:`, describeErrorForLog(error));
    outcome = { status: null, error: ATTEMPT_BROKE_TEXT };
  }
  const attempts = delivery.attempts + 1;
  const finishedAt = options.now?.() ?? new Date();
  const delivered = outcome.error === null;
  await db
    .update(webhookDeliveries)
    .set({
      attempts,
      leasedUntil: null,
      lastAttemptAt: now,
      lastResponseStatus: outcome.status,
      lastError: outcome.error,
      state: delivered ? "delivered" : attempts >= MAX_ATTEMPTS ? "failed" : "pending",
      deliveredAt: delivered ? finishedAt : null,
      nextAttemptAt: delivered
        ? delivery.nextAttemptAt
        : new Date(finishedAt.getTime() + retryDelayMs(attempts, options.retryBaseMs)),
    })
    // Only while this worker's lease holds: a row another worker has since taken keeps that worker's result.
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.leasedUntil, delivery.leasedUntil!)));
}

/** One pass: sends every due delivery of an enabled webhook that no other worker holds. Returns how many it sent. */
export async function deliverDueWebhooks(db: Db, options: WorkerOptions): Promise<number> {
  const now = options.now?.() ?? new Date();
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(
      and(
        eq(webhookDeliveries.state, "pending"),
        lte(webhookDeliveries.nextAttemptAt, now),
        or(isNull(webhookDeliveries.leasedUntil), lt(webhookDeliveries.leasedUntil, now)),
        eq(webhooks.enabled, true),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(BATCH);
  let sent = 0;
  for (const { id } of due) {
    try {
      const taken = await lease(db, id, now);
      if (!taken) continue;
      await attempt(db, taken, options);
      sent++;
    } catch (error) {
      // Even recording the attempt failed (the database): the lease lapses, and the pass goes on to the others.
      console.error(`Twofold: webhook delivery ${id}:`, describeErrorForLog(error));
    }
  }
  return sent;
}

/** "Retry now": a failed delivery of one of the organisation's webhooks becomes due again (one more attempt). */
export async function retryDeliveryNow(db: Db, organisationId: number, deliveryId: number, now = new Date()) {
  const owned = db.select({ id: webhooks.id }).from(webhooks).where(eq(webhooks.organisationId, organisationId));
  const [row] = await db
    .update(webhookDeliveries)
    .set({ state: "pending", nextAttemptAt: now, leasedUntil: null, attempts: MAX_ATTEMPTS - 1 })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.state, "failed"),
        inArray(webhookDeliveries.webhookId, owned),
      ),
    )
    .returning({ id: webhookDeliveries.id, webhookId: webhookDeliveries.webhookId });
  return row ?? null;
}
