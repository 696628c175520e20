import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, notExists, or, sql } from "drizzle-orm";
import { runStatement, type Db, type Executor } from "@/db";
import { timestampValue } from "@/db/portable-sql";
import { auditEvents, webhookDeliveries, webhooks } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { webhookSecretBinding } from "@/lib/keys/bindings";
import { decryptSecret } from "@/lib/keys/secrets";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { checkWebhookUrl, type Resolve } from "@/lib/webhooks/address-rule";
import { urlOrigin } from "@/lib/webhooks/audit-details";
import { postToWebhook } from "@/lib/webhooks/post";
import { signedWebhookHeaders } from "@/lib/webhooks/signing";

/*
 * The delivery queue: one row per (event, webhook), written in the same
 * statement batch as the audit event, sent by a worker in each process.
 * A row is taken with a lease (a conditional update), so several processes
 * or instances never send one delivery twice at once.
 */

/** The event type of "Send test event": the one delivery with no audit event of its own. */
export const TEST_EVENT_TYPE = "webhook.test";

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
/** Attempts under way at once in one process (each to a different webhook). */
const PARALLEL = 4;
/** Webhooks one round of a pass considers (one delivery each). */
const ROUND_WEBHOOKS = 1000;
/** A webhook whose last this-many finished deliveries all failed is disabled (a circuit breaker). */
export const FAILURES_BEFORE_DISABLE = 50;
/**
 * Events a stranger can cause without signing in (a login form in a loop).
 * Each is still in the audit log, but a webhook gets at most one of a type
 * per user per COALESCE_MS: a flood cannot fill the queue (review M1).
 */
const NOISY_EVENT_TYPES: ReadonlySet<string> = new Set([
  "sign_in.failed",
  "sign_in.throttled",
  "sign_in.refused",
  "passkey_sign_in.failed",
  "password_reset.requested",
]);
const COALESCE_MS = 60_000;

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

/**
 * One pending delivery per enabled webhook of the event's organisation, in
 * one INSERT … SELECT (nothing when none). A noisy event is left out for a
 * webhook that already has one of its type, for the same user, from the last
 * minute (OWASP ASVS 5.0 V2.4.1, anti-automation: unauthenticated traffic
 * must not grow the queue one row per request).
 */
export async function enqueueAuditEvent(db: Executor, event: AuditEventForWebhook): Promise<void> {
  const column = (name: string) => sql.identifier(name);
  const at = timestampValue(event.createdAt);
  const coalesced = NOISY_EVENT_TYPES.has(event.type)
    ? sql` and not exists (select 1 from ${webhookDeliveries} ${column("d")}
        join ${auditEvents} ${column("e")} on ${column("e")}.${column("id")} = ${column("d")}.${column("audit_event_id")}
        where ${column("d")}.${column("webhook_id")} = ${webhooks.id}
          and ${column("d")}.${column("event_type")} = ${event.type}
          and ${column("d")}.${column("created_at")} > ${timestampValue(new Date(event.createdAt.getTime() - COALESCE_MS))}
          and ${
            event.targetUserId === null
              ? sql`${column("e")}.${column("target_user_id")} is null`
              : sql`${column("e")}.${column("target_user_id")} = ${event.targetUserId}`
          })`
    : sql``;
  await runStatement(
    db,
    sql`insert into ${webhookDeliveries} (${column("webhook_id")}, ${column("audit_event_id")}, ${column("event_type")}, ${column("payload")}, ${column("state")}, ${column("attempts")}, ${column("next_attempt_at")}, ${column("created_at")})
      select ${webhooks.id}, cast(${event.id} as integer), cast(${event.type} as text), cast(${webhookPayload(event)} as text), 'pending', 0, ${at}, ${at}
      from ${webhooks} where ${and(eq(webhooks.organisationId, event.organisationId), eq(webhooks.enabled, true))}${coalesced}`,
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
  /** Asked between attempts: a pass ends early when the process shuts down. */
  shouldStop?: () => boolean;
  /** The attempt's deadline (ATTEMPT_DEADLINE_MS unless a test says otherwise). */
  deadlineMs?: number;
};

/** Due now and held by no worker (or by one whose lease lapsed). */
const isDue = (now: Date) =>
  and(
    eq(webhookDeliveries.state, "pending"),
    lte(webhookDeliveries.nextAttemptAt, now),
    or(isNull(webhookDeliveries.leasedUntil), lt(webhookDeliveries.leasedUntil, now)),
  );

/**
 * Takes the webhook's oldest due delivery, unless another of its deliveries
 * is under way: one at a time per webhook, so a slow receiver holds one
 * worker slot, not all. The conditional update is the lock.
 */
async function leaseNextOf(db: Db, webhookId: number, now: Date) {
  const [next] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), isDue(now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.id))
    .limit(1);
  if (!next) return undefined;
  const inFlight = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.webhookId, webhookId),
        eq(webhookDeliveries.state, "pending"),
        gte(webhookDeliveries.leasedUntil, now),
      ),
    );
  const [taken] = await db
    .update(webhookDeliveries)
    .set({ leasedUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(eq(webhookDeliveries.id, next.id), isDue(now), notExists(inFlight)))
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
  if (!delivered && attempts >= MAX_ATTEMPTS) await disableAfterFailures(db, delivery.webhookId);
}

/** What an audit event about a webhook records: its id and the URL's origin (lib/webhooks/audit-details.ts, L6). */
export function webhookAuditDetails(webhookId: number, url: string) {
  return { webhookId, origin: urlOrigin(url) };
}

/** What the audit log and the webhooks page say when the circuit breaker disabled a webhook. */
export const AUTO_DISABLED_REASON = "consecutive_failures";

/**
 * The circuit breaker: when a webhook's last FAILURES_BEFORE_DISABLE finished
 * deliveries all failed, it is disabled and the audit log says why (no
 * actor). An administrator enables it again once the receiver works.
 */
async function disableAfterFailures(db: Db, webhookId: number): Promise<void> {
  const recent = await db
    .select({ state: webhookDeliveries.state })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhookId), inArray(webhookDeliveries.state, ["delivered", "failed"])))
    .orderBy(desc(webhookDeliveries.lastAttemptAt), desc(webhookDeliveries.id))
    .limit(FAILURES_BEFORE_DISABLE);
  if (recent.length < FAILURES_BEFORE_DISABLE || recent.some((row) => row.state !== "failed")) return;
  const [disabled] = await db
    .update(webhooks)
    .set({ enabled: false })
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.enabled, true)))
    .returning({ organisationId: webhooks.organisationId, url: webhooks.url });
  if (!disabled) return; // Already disabled (by an administrator, or another worker just now).
  await recordAuditEvent(db, {
    type: "webhook.disabled",
    organisationId: disabled.organisationId,
    details: { ...webhookAuditDetails(webhookId, disabled.url), reason: AUTO_DISABLED_REASON },
  });
}

/** Runs `task` on every item, at most `limit` at once. */
async function eachAtMost<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * One pass: sends due deliveries until none is left (or `shouldStop`). Each
 * round gives every webhook with something due one delivery, oldest first,
 * PARALLEL at a time: a webhook with a backlog of thousands waits its turn
 * like the others, so no organisation's deliveries starve behind another's
 * (OWASP ASVS 5.0 V15.4.x: resources shared between tenants are bounded).
 * Returns how many attempts it made.
 */
export async function deliverDueWebhooks(db: Db, options: WorkerOptions): Promise<number> {
  let sent = 0;
  for (;;) {
    if (options.shouldStop?.()) break;
    const now = options.now?.() ?? new Date();
    const due = await db
      .select({ webhookId: webhookDeliveries.webhookId })
      .from(webhookDeliveries)
      .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
      .where(and(isDue(now), eq(webhooks.enabled, true)))
      .groupBy(webhookDeliveries.webhookId)
      .orderBy(sql`min(${webhookDeliveries.nextAttemptAt})`)
      .limit(ROUND_WEBHOOKS);
    let taken = 0;
    await eachAtMost(due, PARALLEL, async ({ webhookId }) => {
      if (options.shouldStop?.()) return;
      try {
        const delivery = await leaseNextOf(db, webhookId, now);
        if (!delivery) return;
        taken++;
        await attempt(db, delivery, options);
        sent++;
      } catch (error) {
        // Even recording the attempt failed (the database): the lease lapses, and the pass goes on to the others.
        console.error(`Twofold: webhook ${webhookId}:`, describeErrorForLog(error));
      }
    });
    // Nothing taken: what is left is held by other workers or not yet due.
    if (taken === 0) break;
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
