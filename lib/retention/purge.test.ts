import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  auditEvents,
  duoAuthStates,
  emailLinks,
  knownBrowsers,
  oneTimeCodes,
  organisations,
  outbox,
  recoveryRequests,
  sessions,
  signInFailures,
  trustedBrowsers,
  users,
  webhookDeliveries,
  webhooks,
} from "@/db/schema";
import { ACCOUNT_FAILURE_WINDOW_MS, ADDRESS_FAILURE_WINDOW_MS } from "@/lib/auth/password-sign-in";
import { FAILURE_WINDOW_MS } from "@/lib/auth/attempt-limiter";
import { CONNECTION_TEST_WINDOW_MS } from "@/lib/two-factor/duo/connection-test-limit";
import { RESET_REQUEST_WINDOW_MS } from "@/lib/auth/password-reset";
import { SIGN_IN_PROTECTION_BOUNDS } from "@/lib/organisations/sign-in-protection";
import { recoveryRequestLimitKey } from "@/lib/recovery/requests";
import {
  EMAIL_LINK_KEEP_MS,
  formatPurgeCounts,
  ONE_TIME_CODE_KEEP_MS,
  purgeClosedRecoveryRequests,
  purgeExpiredData,
  scrubOldWebhookUrls,
  purgeExpiredDuoStates,
  purgeExpiredEmailLinks,
  purgeExpiredOneTimeCodes,
  purgeExpiredSessions,
  purgeExpiredTrustedBrowsers,
  purgeForgottenKnownBrowsers,
  purgeOldAuditEvents,
  AUDIT_RETENTION_SHORTENING_DELAY_DAYS,
  purgeOldOutboxMessages,
  purgeSignInFailures,
  purgeWebhookDeliveries,
  SIGN_IN_FAILURE_KEEP_MS,
  WEBHOOK_DELIVERY_KEEP_MS,
} from "@/lib/retention/purge";
import { AUDIT_RETENTION_BOUNDS } from "@/lib/organisations/audit-retention-bounds";
import { SIGN_IN_SETUP_LINK_LIMITS } from "@/lib/two-factor/required-setup/email-setup-link";
import { SEND_WINDOW_MS, SMS_LIMIT_WINDOW_MS } from "@/lib/two-factor/sent-codes/codes";
import { insertUser, testDatabase } from "@/test/db";

const now = new Date("2026-11-29T06:00:00Z");
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(now.getTime() - ms);
const later = (ms: number) => new Date(now.getTime() + ms);

let db: Db;
let user: Awaited<ReturnType<typeof insertUser>>;

beforeEach(async () => {
  db = testDatabase();
  user = await insertUser(db);
});

/** The ids (or other key) left in a table, to compare with what was inserted. */
const left = <Row>(rows: Row[], key: (row: Row) => unknown) => rows.map(key).sort();

describe("each kind removes what is old and keeps what is live", () => {
  it("sessions: gone at their expiry, kept the moment before", async () => {
    const session = async (tokenHash: string, expiresAt: Date) =>
      await db
        .insert(sessions)
        .values({ tokenHash, userId: user.id, stage: "active", lastSeenAt: ago(HOUR), expiresAt });
    await session("expired", ago(1));
    await session("expires-now", now);
    await session("live", later(1));
    expect(await purgeExpiredSessions(db, now)).toBe(2);
    expect(left(await db.select().from(sessions), (row) => row.tokenHash)).toEqual(["live"]);
  });

  it("sign-in failure counters: kept for two days, beyond the longest window that counts them", async () => {
    for (const [key, createdAt] of [
      ["three days", ago(3 * DAY)],
      ["two days", ago(2 * DAY)],
      ["a day", ago(DAY)],
      ["a minute", ago(MINUTE)],
    ] as const) {
      await db.insert(signInFailures).values({ scope: "account", key, createdAt });
    }
    expect(await purgeSignInFailures(db, now)).toBe(2);
    expect(left(await db.select().from(signInFailures), (row) => row.key)).toEqual(["a day", "a minute"]);
  });

  it("keeps failure counters for at least every window that counts them", () => {
    expect(SIGN_IN_FAILURE_KEEP_MS).toBe(2 * DAY);
    for (const window of [
      FAILURE_WINDOW_MS,
      ADDRESS_FAILURE_WINDOW_MS,
      ACCOUNT_FAILURE_WINDOW_MS,
      RESET_REQUEST_WINDOW_MS,
      SIGN_IN_PROTECTION_BOUNDS.failureWindowMinutes.max * MINUTE,
      recoveryRequestLimitKey(1).windowMs!,
      CONNECTION_TEST_WINDOW_MS,
    ]) {
      expect(SIGN_IN_FAILURE_KEEP_MS).toBeGreaterThanOrEqual(window);
    }
  });

  it("remembered browsers: gone at their expiry", async () => {
    const browser = async (tokenHash: string, expiresAt: Date) =>
      await db.insert(trustedBrowsers).values({ userId: user.id, tokenHash, expiresAt });
    await browser("expired", ago(1));
    await browser("live", later(DAY));
    expect(await purgeExpiredTrustedBrowsers(db, now)).toBe(1);
    expect(left(await db.select().from(trustedBrowsers), (row) => row.tokenHash)).toEqual(["live"]);
  });

  it("known browsers: forgotten after a year unseen", async () => {
    const browser = async (tokenHash: string, lastSeenAt: Date) =>
      await db.insert(knownBrowsers).values({ userId: user.id, tokenHash, lastSeenAt });
    await browser("a year and a day", ago(366 * DAY));
    await browser("last month", ago(30 * DAY));
    expect(await purgeForgottenKnownBrowsers(db, now)).toBe(1);
    expect(left(await db.select().from(knownBrowsers), (row) => row.tokenHash)).toEqual(["last month"]);
  });

  it("email links: gone a day past expiry, spent or not; an unaccepted invitation stays, since it marks the person invited", async () => {
    const invitee = await insertUser(db, { organisationId: user.organisationId });
    await db.update(users).set({ passwordHash: null }).where(eq(users.id, invitee.id));
    const link = async (tokenHash: string, values: Partial<typeof emailLinks.$inferInsert>) =>
      await db.insert(emailLinks).values({
        organisationId: user.organisationId,
        userId: user.id,
        purpose: "password_reset",
        tokenHash,
        expiresAt: later(HOUR),
        ...values,
      });
    await link("expired two days ago", { expiresAt: ago(2 * DAY) });
    await link("used, expired two days ago", { expiresAt: ago(2 * DAY), usedAt: ago(3 * DAY) });
    await link("expired an hour ago", { expiresAt: ago(HOUR) });
    await link("used a minute ago, live", { usedAt: ago(MINUTE) });
    await link("live", {});
    await link("unaccepted invitation, expired a week ago", {
      userId: invitee.id,
      purpose: "invitation",
      expiresAt: ago(7 * DAY),
    });
    await link("accepted invitation, expired a week ago", {
      purpose: "invitation",
      expiresAt: ago(7 * DAY),
      usedAt: ago(10 * DAY),
    });
    expect(await purgeExpiredEmailLinks(db, now)).toBe(3);
    expect(left(await db.select().from(emailLinks), (row) => row.tokenHash)).toEqual([
      "expired an hour ago",
      "live",
      "unaccepted invitation, expired a week ago",
      "used a minute ago, live",
    ]);
  });

  it("keeps links for at least the send-limit window that counts them", () => {
    expect(EMAIL_LINK_KEEP_MS).toBeGreaterThanOrEqual(SIGN_IN_SETUP_LINK_LIMITS.windowMs);
    expect(EMAIL_LINK_KEEP_MS).toBeGreaterThanOrEqual(RESET_REQUEST_WINDOW_MS);
  });

  it("one-time codes: gone once expired and older than the hourly SMS window that counts them", async () => {
    const code = async (codeHash: string, createdAt: Date, expiresAt: Date) =>
      await db.insert(oneTimeCodes).values({
        userId: user.id,
        organisationId: user.organisationId,
        purpose: "second_factor",
        sessionTokenHash: "s",
        codeHash,
        channel: "sms",
        destination: "+15551234567",
        createdAt,
        expiresAt,
      });
    await code("two hours old", ago(2 * HOUR), ago(2 * HOUR - 2 * MINUTE));
    await code("expired, still counted", ago(30 * MINUTE), ago(28 * MINUTE));
    await code("live", ago(MINUTE), later(MINUTE));
    expect(await purgeExpiredOneTimeCodes(db, now)).toBe(1);
    expect(left(await db.select().from(oneTimeCodes), (row) => row.codeHash)).toEqual([
      "expired, still counted",
      "live",
    ]);
    expect(ONE_TIME_CODE_KEEP_MS).toBeGreaterThanOrEqual(Math.max(SEND_WINDOW_MS, SMS_LIMIT_WINDOW_MS));
  });

  it("Duo states: gone at their expiry", async () => {
    const state = async (stateHash: string, expiresAt: Date) =>
      await db
        .insert(duoAuthStates)
        .values({ userId: user.id, sessionTokenHash: "s", stateHash, purpose: "sign_in", expiresAt });
    await state("expired", ago(1));
    await state("live", later(MINUTE));
    expect(await purgeExpiredDuoStates(db, now)).toBe(1);
    expect(left(await db.select().from(duoAuthStates), (row) => row.stateHash)).toEqual(["live"]);
  });

  it("recovery requests: closed ones go after a month; one that expired unnoticed is noticed (and audited) first, not swallowed", async () => {
    const request = async (values: Partial<typeof recoveryRequests.$inferInsert>) =>
      (
        await db
          .insert(recoveryRequests)
          .values({ organisationId: user.organisationId, userId: user.id, expiresAt: later(DAY), ...values })
          .returning({ id: recoveryRequests.id })
      )[0]!.id;
    const dismissedLongAgo = await request({
      state: "dismissed",
      createdAt: ago(40 * DAY),
      expiresAt: ago(33 * DAY),
      closedAt: ago(31 * DAY),
    });
    const resolvedLastWeek = await request({ state: "resolved", createdAt: ago(8 * DAY), closedAt: ago(7 * DAY) });
    const expiredUnnoticed = await request({ createdAt: ago(60 * DAY), expiresAt: ago(53 * DAY) });
    const pending = await request({ createdAt: ago(DAY) });
    expect(await purgeClosedRecoveryRequests(db, now)).toBe(1);
    expect(left(await db.select().from(recoveryRequests), (row) => row.id)).toEqual(
      [resolvedLastWeek, expiredUnnoticed, pending].sort(),
    );
    const noticed = (await db.select().from(recoveryRequests).where(eq(recoveryRequests.id, expiredUnnoticed)))[0]!;
    expect(noticed.closedAt).toEqual(now);
    const expiredEvents = await db.select().from(auditEvents).where(eq(auditEvents.type, "recovery_request.expired"));
    expect(expiredEvents.map((event) => event.details?.requestId)).toEqual([expiredUnnoticed]);
    expect(dismissedLongAgo).toBeGreaterThan(0);

    // A month after it was noticed, it goes too, and the audit event stays; the request pending today has expired by then, and is noticed in turn.
    expect(await purgeClosedRecoveryRequests(db, new Date(now.getTime() + 31 * DAY))).toBe(2);
    expect(left(await db.select().from(recoveryRequests), (row) => row.id)).toEqual([pending]);
    const laterEvents = await db.select().from(auditEvents).where(eq(auditEvents.type, "recovery_request.expired"));
    expect(laterEvents.map((event) => event.details?.requestId)).toEqual([expiredUnnoticed, pending]);
  });

  it("outbox: messages go after a day", async () => {
    const message = async (body: string, createdAt: Date) =>
      await db.insert(outbox).values({ channel: "email", to: "a@example.com", body, createdAt });
    await message("yesterday and a minute", ago(DAY + MINUTE));
    await message("this morning", ago(2 * HOUR));
    expect(await purgeOldOutboxMessages(db, now)).toBe(1);
    expect(left(await db.select().from(outbox), (row) => row.body)).toEqual(["this morning"]);
  });

  it("audit events: each organisation's retention; events of no organisation after the default year", async () => {
    const shortKeeper = (
      await db.insert(organisations).values({ name: "Short", auditRetentionDays: 90 }).returning()
    )[0]!.id;
    const event = async (type: string, organisationId: number | null, createdAt: Date) =>
      await db.insert(auditEvents).values({ type, organisationId, createdAt });
    await event("default org, 364 days", user.organisationId, ago(364 * DAY));
    await event("default org, 366 days", user.organisationId, ago(366 * DAY));
    await event("90-day org, 89 days", shortKeeper, ago(89 * DAY));
    await event("90-day org, 91 days", shortKeeper, ago(91 * DAY));
    await event("no org, 364 days", null, ago(364 * DAY));
    await event("no org, 366 days", null, ago(366 * DAY));
    expect(await purgeOldAuditEvents(db, now)).toBe(3);
    expect(left(await db.select().from(auditEvents), (row) => row.type)).toEqual([
      "90-day org, 89 days",
      "default org, 364 days",
      "no org, 364 days",
    ]);
  });
});

describe("purgeOldAuditEvents after the retention was shortened", () => {
  // An administrator who shortens the retention must not erase older evidence at the next hourly purge:
  // the longer period still holds for AUDIT_RETENTION_SHORTENING_DELAY_DAYS, while other administrators can see the change and undo it.
  const shortened = async (organisationId: number, from: number, to: number, at: Date) => {
    await db.update(organisations).set({ auditRetentionDays: to }).where(eq(organisations.id, organisationId));
    await db.insert(auditEvents).values({
      type: "settings.updated",
      organisationId,
      details: { section: "audit_retention", auditRetentionDays: to, previousAuditRetentionDays: from },
      createdAt: at,
    });
  };

  it("keeps the longer period for the delay after a shortening, then applies the shorter one", async () => {
    await db
      .insert(auditEvents)
      .values({ type: "evidence, 200 days", organisationId: user.organisationId, createdAt: ago(200 * DAY) });
    await shortened(user.organisationId, 365, 90, ago(HOUR));
    expect(await purgeOldAuditEvents(db, now)).toBe(0);
    expect(
      await purgeOldAuditEvents(db, new Date(now.getTime() + (AUDIT_RETENTION_SHORTENING_DELAY_DAYS - 1) * DAY)),
    ).toBe(0);
    expect(
      await purgeOldAuditEvents(db, new Date(now.getTime() + (AUDIT_RETENTION_SHORTENING_DELAY_DAYS + 1) * DAY)),
    ).toBe(1);
  });

  it("shortening twice in a row keeps the longest of the recent periods", async () => {
    await db
      .insert(auditEvents)
      .values({ type: "evidence, 300 days", organisationId: user.organisationId, createdAt: ago(300 * DAY) });
    await shortened(user.organisationId, 365, 200, ago(2 * HOUR));
    await shortened(user.organisationId, 200, 90, ago(HOUR));
    expect(await purgeOldAuditEvents(db, now)).toBe(0);
  });

  it("another organisation's change, or another section's, changes nothing", async () => {
    const other = (await db.insert(organisations).values({ name: "Other", auditRetentionDays: 90 }).returning())[0]!.id;
    await db
      .insert(auditEvents)
      .values({ type: "evidence, 100 days", organisationId: other, createdAt: ago(100 * DAY) });
    await db.insert(auditEvents).values({
      type: "settings.updated",
      organisationId: user.organisationId,
      details: { section: "audit_retention", auditRetentionDays: 90, previousAuditRetentionDays: 3650 },
      createdAt: ago(HOUR),
    });
    await db.insert(auditEvents).values({
      type: "settings.updated",
      organisationId: other,
      details: { section: "policy", previousAuditRetentionDays: 3650 },
      createdAt: ago(HOUR),
    });
    expect(await purgeOldAuditEvents(db, now)).toBe(1);
  });
});

describe("purgeWebhookDeliveries", () => {
  const hook = async (enabled = true) =>
    (
      await db
        .insert(webhooks)
        .values({ organisationId: user.organisationId, url: "https://siem.example/h", secretEncrypted: "x", enabled })
        .returning()
    )[0]!.id;
  const delivery = async (
    webhookId: number,
    label: string,
    state: "pending" | "delivered" | "failed",
    createdAt: Date,
    auditEventId: number | null = null,
    eventType = "webhook.test",
  ) =>
    await db
      .insert(webhookDeliveries)
      .values({ webhookId, auditEventId, eventType, payload: label, state, nextAttemptAt: createdAt, createdAt });
  const payloadsLeft = async () => left(await db.select().from(webhookDeliveries), (row) => row.payload);

  it("keeps a finished delivery 30 days, within every audit retention", async () => {
    expect(WEBHOOK_DELIVERY_KEEP_MS).toBeLessThanOrEqual(AUDIT_RETENTION_BOUNDS.min * DAY);
    const id = await hook();
    await delivery(id, "delivered 31 days", "delivered", ago(31 * DAY));
    await delivery(id, "failed 31 days", "failed", ago(31 * DAY));
    await delivery(id, "pending 31 days", "pending", ago(31 * DAY));
    await delivery(id, "delivered 29 days", "delivered", ago(29 * DAY));
    expect(await purgeWebhookDeliveries(db, now)).toBe(2);
    expect(await payloadsLeft()).toEqual(["delivered 29 days", "pending 31 days"]);
  });

  it("deletes the deliveries of an audit event the same run purges, whatever their state", async () => {
    const id = await hook();
    const [old] = await db
      .insert(auditEvents)
      .values({ type: "user.disabled", organisationId: user.organisationId, createdAt: ago(400 * DAY) })
      .returning();
    const [recent] = await db
      .insert(auditEvents)
      .values({ type: "user.disabled", organisationId: user.organisationId, createdAt: ago(DAY) })
      .returning();
    await delivery(id, "of the purged event", "pending", ago(DAY), old!.id, "user.disabled");
    await delivery(id, "of a kept event", "pending", ago(DAY), recent!.id, "user.disabled");
    await delivery(id, "a test event", "failed", ago(DAY));
    expect(await purgeExpiredData(db, now)).toMatchObject({ auditEvents: 1, webhookDeliveries: 1 });
    expect(await payloadsLeft()).toEqual(["a test event", "of a kept event"]);
  });

  it("drops the queue of a webhook disabled more than 7 days ago, not of one disabled lately", async () => {
    const disabledLong = await hook(false);
    const disabledLately = await hook(false);
    const disabledUnknown = await hook(false);
    const disabledAt = async (webhookId: number, at: Date) =>
      await db.insert(auditEvents).values({
        type: "webhook.disabled",
        organisationId: user.organisationId,
        details: { webhookId, url: "https://siem.example" },
        createdAt: at,
      });
    await disabledAt(disabledLong, ago(8 * DAY));
    await disabledAt(disabledLately, ago(10 * DAY));
    await disabledAt(disabledLately, ago(6 * DAY)); // enabled and disabled again since
    await delivery(disabledLong, "disabled 8 days", "pending", ago(9 * DAY));
    await delivery(disabledLong, "disabled 8 days, delivered", "delivered", ago(9 * DAY));
    await delivery(disabledLately, "disabled 6 days", "pending", ago(9 * DAY));
    await delivery(disabledUnknown, "disabled long ago", "pending", ago(DAY));
    expect(await purgeWebhookDeliveries(db, now)).toBe(2);
    expect(await payloadsLeft()).toEqual(["disabled 6 days", "disabled 8 days, delivered"]);
  });
});

describe("purgeExpiredData", () => {
  it("counts every kind, and a second run at the same moment removes nothing more", async () => {
    await db
      .insert(sessions)
      .values({ tokenHash: "old", userId: user.id, stage: "active", lastSeenAt: ago(DAY), expiresAt: ago(1) });
    await db.insert(outbox).values({ channel: "sms", to: "+15551234567", body: "123456", createdAt: ago(2 * DAY) });
    await db
      .insert(auditEvents)
      .values({ type: "old", organisationId: user.organisationId, createdAt: ago(400 * DAY) });
    const first = await purgeExpiredData(db, now);
    expect(first).toEqual({
      sessions: 1,
      signInFailures: 0,
      trustedBrowsers: 0,
      knownBrowsers: 0,
      emailLinks: 0,
      oneTimeCodes: 0,
      duoStates: 0,
      recoveryRequests: 0,
      outbox: 1,
      auditEvents: 1,
      webhookDeliveries: 0,
      webhookUrlsScrubbed: 0,
    });
    expect(formatPurgeCounts(first)).toBe("sessions 1, outbox 1, auditEvents 1");
    expect(formatPurgeCounts(await purgeExpiredData(db, now))).toBe("nothing");
  });

  it("removes more rows than one batch holds", async () => {
    const rows = Array.from({ length: 2500 }, (_, index) => ({
      scope: "address" as const,
      key: `k${index}`,
      createdAt: ago(3 * DAY),
    }));
    for (let start = 0; start < rows.length; start += 500)
      await db.insert(signInFailures).values(rows.slice(start, start + 500));
    await db.insert(signInFailures).values({ scope: "address", key: "recent", createdAt: ago(MINUTE) });
    expect(await purgeSignInFailures(db, now)).toBe(2500);
    expect((await db.select().from(signInFailures)).map((row) => row.key)).toEqual(["recent"]);
  });
});

describe("scrubOldWebhookUrls", () => {
  it("rewrites a webhook event's whole URL (recorded before L6) to its origin, once, and nothing else", async () => {
    const organisationId = user.organisationId;
    const old = { webhookId: 3, url: "https://hooks.example.com/T0KEN?key=SECRET", reason: "consecutive_failures" };
    await db.insert(auditEvents).values([
      { organisationId, type: "webhook.disabled", details: old },
      { organisationId, type: "webhook.created", details: { webhookId: 4, origin: "https://siem.example.com" } },
      // Not a webhook event: its own "url" is none of this.
      { organisationId, type: "audit.exported", details: { url: "https://example.com/keep?this=1" } },
    ]);
    expect(await purgeExpiredData(db, now)).toMatchObject({ webhookUrlsScrubbed: 1 });
    const stored = await db.select({ type: auditEvents.type, details: auditEvents.details }).from(auditEvents);
    expect(JSON.stringify(stored)).not.toMatch(/T0KEN|SECRET/);
    expect(stored).toEqual(
      expect.arrayContaining([
        {
          type: "webhook.disabled",
          details: { webhookId: 3, reason: "consecutive_failures", origin: "https://hooks.example.com" },
        },
        { type: "webhook.created", details: { webhookId: 4, origin: "https://siem.example.com" } },
        { type: "audit.exported", details: { url: "https://example.com/keep?this=1" } },
      ]),
    );
    expect(await scrubOldWebhookUrls(db)).toBe(0);
  });

  it("after a complete pass, reads only the audit log's new rows, and still scrubs one written since", async () => {
    expect(await purgeExpiredData(db, now)).toMatchObject({ webhookUrlsScrubbed: 0 });
    // An older instance during a deploy, or a restored dump, may still write one.
    await db.insert(auditEvents).values({
      organisationId: user.organisationId,
      type: "webhook.disabled",
      details: { webhookId: 5, url: "https://hooks.example.com/LATE?key=SECRET" },
    });
    expect(await purgeExpiredData(db, now)).toMatchObject({ webhookUrlsScrubbed: 1 });
    expect(JSON.stringify(await db.select({ details: auditEvents.details }).from(auditEvents))).not.toMatch(
      /LATE|SECRET/,
    );
  });
});
