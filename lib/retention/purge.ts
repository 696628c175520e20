import { runStatement, type Db } from "@/db";
import { AUDIT_RETENTION_SHORTENING_DELAY_DAYS } from "@/lib/organisations/audit-retention-bounds";
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, sql, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  auditEvents,
  DEFAULT_AUDIT_RETENTION_DAYS,
  duoAuthStates,
  emailLinks,
  knownBrowsers,
  oneTimeCodes,
  organisations,
  outbox,
  recoveryRequests,
  signInFailures,
  trustedBrowsers,
  webhookDeliveries,
  webhooks,
} from "@/db/schema";
import { KNOWN_BROWSER_LIFETIME_MS } from "@/lib/auth/known-browsers";
import { deleteExpiredSessions } from "@/lib/auth/sessions";
import { noticeExpiredRequests } from "@/lib/recovery/requests";
import { SMS_LIMIT_WINDOW_MS } from "@/lib/two-factor/sent-codes/codes";
import { jsonText, physicalRowId } from "@/db/portable-sql";
import { auditDetailsAsRead } from "@/lib/webhooks/audit-details";
import { latestDisabledEvent } from "@/lib/webhooks/disabled-event";
import { TEST_EVENT_TYPE } from "@/lib/webhooks/queue";

/*
 * What Twofold keeps, and for how long (OWASP ASVS 5.0 14.2.7: sensitive
 * personal information is deleted on a schedule once it is out of date;
 * 16.1.1: how long logs are kept is documented). Every kind has its own
 * function; purgeExpiredData runs them all. Each deletes only rows that no
 * rule can still read, so running it twice, or from several server
 * processes at once, removes nothing more and breaks nothing.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Failure counters matter only inside the longest limit window that counts
 * them: a day (the account-wide slow-down, the longest organisation failure
 * window, recovery requests). Kept twice that, so no window ever misses one;
 * purge.test.ts checks this against every window.
 */
export const SIGN_IN_FAILURE_KEEP_MS = 2 * DAY_MS;

/**
 * A spent, withdrawn or expired link is useless, but kept a day past its
 * expiry so the page still says "expired" or "already used" rather than
 * "unknown", and so the send limits (an hour at most) count it.
 */
export const EMAIL_LINK_KEEP_MS = DAY_MS;

/** Sent codes count towards the send limits (the longest is the organisation's hourly SMS cap) until that window has passed. */
export const ONE_TIME_CODE_KEEP_MS = SMS_LIMIT_WINDOW_MS;

/** A closed (resolved, dismissed or expired) recovery request stays a month for the administrators; the audit log keeps the story. */
export const RECOVERY_REQUEST_KEEP_MS = 30 * DAY_MS;

/**
 * The outbox holds live sign-in codes and links. In development people read
 * them within minutes; a day leaves time to come back to an invitation. In
 * production (OUTBOX_IN_PRODUCTION) it is the same: nothing there is meant to last.
 */
export const OUTBOX_KEEP_MS = DAY_MS;

/** Rows deleted per statement: a big first purge never holds SQLite's write lock for long. */
const BATCH_SIZE = 1000;

async function deleteInBatches(db: Db, table: SQLiteTable, where: SQL | undefined): Promise<number> {
  let total = 0;
  for (;;) {
    const changes = await runStatement(
      db,
      sql`delete from ${table} where ${physicalRowId()} in (select ${physicalRowId()} from ${table} where ${where} limit ${BATCH_SIZE})`,
    );
    total += changes;
    if (changes < BATCH_SIZE) return total;
  }
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms);

/** Sessions past their absolute expiry: refused on sight already. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  return await deleteExpiredSessions(db, now);
}

export async function purgeSignInFailures(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(db, signInFailures, lte(signInFailures.createdAt, before(now, SIGN_IN_FAILURE_KEEP_MS)));
}

/** "Remember this browser" rows past their 90 days. */
export async function purgeExpiredTrustedBrowsers(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(db, trustedBrowsers, lte(trustedBrowsers.expiresAt, now));
}

/** Browsers not seen for a year are no longer "known": the next sign-in from one sends the new sign-in alert, as it would anyway. */
export async function purgeForgottenKnownBrowsers(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(
    db,
    knownBrowsers,
    lte(knownBrowsers.lastSeenAt, before(now, KNOWN_BROWSER_LIFETIME_MS)),
  );
}

/**
 * Links a day past expiry (a used or withdrawn link expires on its own
 * schedule too). Except the invitation of someone who has not accepted:
 * that row is what marks them "invited" (lib/invitations/pending.ts).
 */
export async function purgeExpiredEmailLinks(db: Db, now: Date): Promise<number> {
  const awaitingAcceptance = sql`(${emailLinks.purpose} = 'invitation' and exists (
    select 1 from "users" where "users"."id" = ${emailLinks.userId} and "users"."password_hash" is null
  ))`;
  return await deleteInBatches(
    db,
    emailLinks,
    and(lte(emailLinks.expiresAt, before(now, EMAIL_LINK_KEEP_MS)), sql`not ${awaitingAcceptance}`),
  );
}

/** Codes that are expired and older than every send-limit window that counts them. */
export async function purgeExpiredOneTimeCodes(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(
    db,
    oneTimeCodes,
    and(lte(oneTimeCodes.expiresAt, now), lte(oneTimeCodes.createdAt, before(now, ONE_TIME_CODE_KEEP_MS))),
  );
}

/** Duo round trips that can no longer come back (five minutes). */
export async function purgeExpiredDuoStates(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(db, duoAuthStates, lte(duoAuthStates.expiresAt, now));
}

/**
 * Requests closed a month ago. A pending request that expired unnoticed is
 * noticed first (closed, and `recovery_request.expired` audited), so purging
 * never swallows that event; it is then deleted a month later like the rest.
 */
export async function purgeClosedRecoveryRequests(db: Db, now: Date): Promise<number> {
  const unnoticed = await db
    .selectDistinct({ organisationId: recoveryRequests.organisationId })
    .from(recoveryRequests)
    .where(
      and(
        eq(recoveryRequests.state, "pending"),
        lte(recoveryRequests.expiresAt, now),
        isNull(recoveryRequests.closedAt),
      ),
    );
  for (const { organisationId } of unnoticed) {
    await db.transaction(async (tx) => await noticeExpiredRequests(tx, organisationId, now));
  }
  return deleteInBatches(
    db,
    recoveryRequests,
    and(isNotNull(recoveryRequests.closedAt), lte(recoveryRequests.closedAt, before(now, RECOVERY_REQUEST_KEEP_MS))),
  );
}

export async function purgeOldOutboxMessages(db: Db, now: Date): Promise<number> {
  return await deleteInBatches(db, outbox, lte(outbox.createdAt, before(now, OUTBOX_KEEP_MS)));
}

/**
 * A finished (delivered or failed) delivery keeps its log line and payload
 * (emails, addresses) 30 days: shorter than any organisation's audit
 * retention (at least AUDIT_RETENTION_BOUNDS.min, 90 days; purge.test.ts
 * checks), so a payload never outlives its event (OWASP ASVS 5.0 14.2.7).
 */
export const WEBHOOK_DELIVERY_KEEP_MS = 30 * DAY_MS;
/** A disabled webhook's queue is dropped once it has been disabled this long. */
export const DISABLED_WEBHOOK_QUEUE_KEEP_MS = 7 * DAY_MS;

/**
 * Webhook deliveries: finished ones after 30 days; any whose audit event has
 * been purged (run after purgeOldAuditEvents: the foreign key leaves the
 * delivery with no event, and only "Send test event" rows have none of their
 * own); and the pending ones of a webhook disabled more than 7 days ago (or
 * so long ago that the audit log no longer says when).
 */
export async function purgeWebhookDeliveries(db: Db, now: Date): Promise<number> {
  let total = await deleteInBatches(
    db,
    webhookDeliveries,
    and(
      inArray(webhookDeliveries.state, ["delivered", "failed"]),
      lte(webhookDeliveries.createdAt, before(now, WEBHOOK_DELIVERY_KEEP_MS)),
    ),
  );
  total += await deleteInBatches(
    db,
    webhookDeliveries,
    and(isNull(webhookDeliveries.auditEventId), ne(webhookDeliveries.eventType, TEST_EVENT_TYPE)),
  );
  const disabled = await db
    .select({ id: webhooks.id, organisationId: webhooks.organisationId })
    .from(webhooks)
    .where(eq(webhooks.enabled, false));
  for (const webhook of disabled) {
    const since = (await latestDisabledEvent(db, webhook.organisationId, webhook.id))?.createdAt;
    if (since && since > before(now, DISABLED_WEBHOOK_QUEUE_KEEP_MS)) continue;
    total += await deleteInBatches(
      db,
      webhookDeliveries,
      and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.state, "pending")),
    );
  }
  return total;
}

// The settings form in the browser says how long the delay is, so it lives beside the bounds.
export { AUDIT_RETENTION_SHORTENING_DELAY_DAYS } from "@/lib/organisations/audit-retention-bounds";

/**
 * The organisation's retention, or the longest it had during the delay: read
 * from the "settings.updated" events the retention setting records (no
 * column needed, and the event itself outlives the delay, as the shortest
 * retention is 90 days).
 */
async function effectiveAuditRetentionDays(db: Db, organisationId: number, days: number, now: Date): Promise<number> {
  const changes = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organisationId, organisationId),
        eq(auditEvents.type, "settings.updated"),
        gte(auditEvents.createdAt, before(now, AUDIT_RETENTION_SHORTENING_DELAY_DAYS * DAY_MS)),
      ),
    );
  let longest = days;
  for (const { details } of changes) {
    const previous = details?.section === "audit_retention" ? details.previousAuditRetentionDays : undefined;
    if (typeof previous === "number" && Number.isFinite(previous)) longest = Math.max(longest, previous);
  }
  return longest;
}

/**
 * Audit events older than their organisation's `auditRetentionDays`; events
 * tied to no organisation (a failed sign-in for an unknown email) after the
 * default year. One organisation at a time, along the (organisation, time) index.
 */
export async function purgeOldAuditEvents(db: Db, now: Date): Promise<number> {
  const retention = await db
    .select({ id: organisations.id, days: organisations.auditRetentionDays })
    .from(organisations);
  let total = 0;
  for (const { id, days } of retention) {
    const keptDays = await effectiveAuditRetentionDays(db, id, days, now);
    total += await deleteInBatches(
      db,
      auditEvents,
      and(eq(auditEvents.organisationId, id), lt(auditEvents.createdAt, before(now, keptDays * DAY_MS))),
    );
  }
  total += await deleteInBatches(
    db,
    auditEvents,
    and(
      isNull(auditEvents.organisationId),
      lt(auditEvents.createdAt, before(now, DEFAULT_AUDIT_RETENTION_DAYS * DAY_MS)),
    ),
  );
  return total;
}

/**
 * Webhook audit events recorded before L6 hold the webhook's whole URL, with
 * any token in its path or query. Reading already shows only the origin
 * (lib/webhooks/audit-details.ts); this rewrites the stored details the same
 * way, so the token leaves the database and its backups too (ASVS 5.0
 * V14.2.4). No migration: the hourly purge does it in batches. Each pass
 * starts a little below where this process's last complete pass ended, so
 * the audit log is read once, and later only its new rows (an older
 * instance still writing whole URLs during a deploy, a restored dump).
 */
export async function scrubOldWebhookUrls(db: Db): Promise<number> {
  // The highest id now: rows committed later with a lower id are covered by the margin.
  const [{ highest } = { highest: null }] = await db
    .select({ highest: sql<number | null>`max(${auditEvents.id})` })
    .from(auditEvents);
  let total = 0;
  // By id, so every batch moves on whatever a row's details turn out to be.
  for (let after = Math.max(0, (webhookUrlsScrubbedTo.get(db) ?? 0) - SCRUB_ID_MARGIN); ;) {
    const rows = await db
      .select({ id: auditEvents.id, type: auditEvents.type, details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          gt(auditEvents.id, after),
          sql`${auditEvents.type} like 'webhook%'`,
          isNotNull(jsonText(auditEvents.details, "url")),
        ),
      )
      .orderBy(asc(auditEvents.id))
      .limit(BATCH_SIZE);
    for (const row of rows)
      await db
        .update(auditEvents)
        .set({ details: auditDetailsAsRead(row.type, row.details) })
        .where(eq(auditEvents.id, row.id));
    total += rows.length;
    if (rows.length < BATCH_SIZE) {
      if (highest !== null) webhookUrlsScrubbedTo.set(db, Number(highest));
      return total;
    }
    after = rows.at(-1)!.id;
  }
}

/** Per database handle, in this process: the highest audit event id a complete scrub pass had seen. */
const webhookUrlsScrubbedTo = new WeakMap<Db, number>();
/** How far below that mark the next pass starts again: rows whose transactions were still open. */
const SCRUB_ID_MARGIN = 10_000;

export type PurgeCounts = {
  sessions: number;
  signInFailures: number;
  trustedBrowsers: number;
  knownBrowsers: number;
  emailLinks: number;
  oneTimeCodes: number;
  duoStates: number;
  recoveryRequests: number;
  outbox: number;
  auditEvents: number;
  webhookDeliveries: number;
  webhookUrlsScrubbed: number;
};

/** Runs every purge at `now`; returns how many rows of each kind went. */
export async function purgeExpiredData(db: Db, now: Date): Promise<PurgeCounts> {
  return {
    sessions: await purgeExpiredSessions(db, now),
    signInFailures: await purgeSignInFailures(db, now),
    trustedBrowsers: await purgeExpiredTrustedBrowsers(db, now),
    knownBrowsers: await purgeForgottenKnownBrowsers(db, now),
    emailLinks: await purgeExpiredEmailLinks(db, now),
    oneTimeCodes: await purgeExpiredOneTimeCodes(db, now),
    duoStates: await purgeExpiredDuoStates(db, now),
    recoveryRequests: await purgeClosedRecoveryRequests(db, now),
    outbox: await purgeOldOutboxMessages(db, now),
    auditEvents: await purgeOldAuditEvents(db, now),
    // After the audit events: deliveries of the events just purged go in the same run.
    webhookDeliveries: await purgeWebhookDeliveries(db, now),
    webhookUrlsScrubbed: await scrubOldWebhookUrls(db),
  };
}

/** "sessions 3, outbox 12" for the log, or "nothing" when no row went. */
export function formatPurgeCounts(counts: PurgeCounts): string {
  const removed = Object.entries(counts).filter(([, count]) => count > 0);
  return removed.length ? removed.map(([kind, count]) => `${kind} ${count}`).join(", ") : "nothing";
}
