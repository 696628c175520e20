import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { auditEvents, webhookDeliveries, webhooks } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import {
  ATTEMPT_BROKE_TEXT,
  deliverDueWebhooks,
  FAILURES_BEFORE_DISABLE,
  MAX_ATTEMPTS,
  retryDelayMs,
} from "@/lib/webhooks/queue";
import type { Resolve } from "@/lib/webhooks/address-rule";
import { DEADLINE_TEXT } from "@/lib/webhooks/post";
import { verifyWebhookSignature } from "@/lib/webhooks/signing";
import {
  createWebhook,
  deliveryLog,
  listWebhooks,
  MAX_WEBHOOKS_PER_ORGANISATION,
  retryDelivery,
  sendTestEvent,
  setWebhookEnabled,
} from "@/lib/webhooks/webhooks";
import { insertUser, testDatabase } from "@/test/db";

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A local receiver answering with the statuses given, in turn (then 204). */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.statusCode = statuses.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, url: `http://127.0.0.1:${port}/hook`, host: `127.0.0.1:${port}`, close: () => server.close() };
}

let db: Db;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: Awaited<ReturnType<typeof insertUser>>;

beforeEach(async () => {
  db = testDatabase();
  admin = await insertUser(db);
});
afterEach(() => receiver?.close());

const actorOf = (user: { id: number; organisationId: number }) => ({
  userId: user.id,
  organisationId: user.organisationId,
});

async function addWebhook(statuses: number[] = []) {
  receiver = await startReceiver(statuses);
  const created = await createWebhook(
    db,
    actorOf(admin),
    { url: receiver.url, description: "SIEM" },
    { allowedHosts: ["127.0.0.1"] },
  );
  if (!created.ok) throw new Error(created.problem);
  return created;
}

/** A webhook to the receiver under a host name (allow-listed), resolved by `resolve`; returns the allow-list. */
async function addNamedWebhook(name: string, resolve: Resolve) {
  const port = receiver.host.split(":")[1];
  const allowedHosts = [`${name}:${port}`];
  await createWebhook(
    db,
    actorOf(admin),
    { url: `http://${name}:${port}/hook`, description: null },
    { allowedHosts, resolve },
  );
  return allowedHosts;
}

const worker = (now?: () => Date) => ({ allowedHosts: ["127.0.0.1"], retryBaseMs: 30_000, now });

/** MAX_ATTEMPTS passes, two days apart: every backoff has passed before the next. */
async function runEveryAttempt() {
  let clock = new Date(Date.now() + 1000);
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    await deliverDueWebhooks(
      db,
      worker(() => clock),
    );
    clock = new Date(clock.getTime() + 48 * 3600_000);
  }
}

describe("webhook deliveries", () => {
  it("queue one delivery per enabled webhook of the event's organisation, with the event and no secrets", async () => {
    const { id } = await addWebhook();
    const other = await insertUser(db);
    await recordAuditEvent(db, { type: "user.disabled", organisationId: other.organisationId, actorUserId: other.id });
    await recordAuditEvent(db, {
      type: "user.disabled",
      organisationId: admin.organisationId,
      actorUserId: admin.id,
      targetUserId: admin.id,
      details: { reason: "left" },
    });
    const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
    // webhook.created (the webhook hears of its own creation) and user.disabled; nothing of the other organisation.
    expect(rows.map((row) => row.eventType)).toEqual(["webhook.created", "user.disabled"]);
    const payload = JSON.parse(rows[1]!.payload);
    expect(payload).toMatchObject({
      type: "user.disabled",
      data: { type: "user.disabled", actor: admin.id, target: admin.id, details: { reason: "left" } },
    });
    expect(rows[1]!.payload).not.toMatch(/whsec_|secret/i);
  });

  it("deliver with a valid Standard Webhooks signature", async () => {
    const { secret } = await addWebhook();
    expect(await deliverDueWebhooks(db, worker())).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received as [Received];
    expect(
      verifyWebhookSignature(
        secret,
        {
          id: String(headers["webhook-id"]),
          timestamp: String(headers["webhook-timestamp"]),
          signature: String(headers["webhook-signature"]),
        },
        body,
      ),
    ).toBe(true);
    expect(JSON.parse(body).type).toBe("webhook.created");
    const [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "delivered", attempts: 1, lastResponseStatus: 204, lastError: null });
  });

  it("retry a receiver that fails once, after the backoff, and then deliver", async () => {
    await addWebhook([500]);
    let clock = new Date();
    await deliverDueWebhooks(
      db,
      worker(() => clock),
    );
    let [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "pending", attempts: 1, lastResponseStatus: 500, lastError: "HTTP 500" });
    // Not before the backoff (30 s ± 20 %).
    clock = new Date(clock.getTime() + 20_000);
    expect(
      await deliverDueWebhooks(
        db,
        worker(() => clock),
      ),
    ).toBe(0);
    clock = new Date(clock.getTime() + 20_000);
    expect(
      await deliverDueWebhooks(
        db,
        worker(() => clock),
      ),
    ).toBe(1);
    [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "delivered", attempts: 2, lastResponseStatus: 204 });
    expect(receiver.received).toHaveLength(2);
    // The same message id on each attempt, so the receiver can drop duplicates.
    expect(receiver.received[0]!.headers["webhook-id"]).toBe(receiver.received[1]!.headers["webhook-id"]);
  });

  it("give up as failed after the last attempt, and 'Retry now' gives one more", async () => {
    await addWebhook(Array(MAX_ATTEMPTS).fill(503));
    await runEveryAttempt();
    const [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "failed", attempts: MAX_ATTEMPTS, lastError: "HTTP 503" });
    expect(await retryDelivery(db, actorOf(await insertUser(db)), row!.id)).toBe(false);
    expect(await retryDelivery(db, actorOf(admin), row!.id)).toBe(true);
    await deliverDueWebhooks(db, worker());
    const log = await deliveryLog(db, admin.organisationId, row!.webhookId);
    expect(log!.find((entry) => entry.id === row!.id)).toMatchObject({ state: "delivered" });
  });

  it("refuse a private address at save and at delivery unless allow-listed, without connecting", async () => {
    receiver = await startReceiver();
    const httpsLocal = receiver.url.replace("http:", "https:");
    expect(
      await createWebhook(db, actorOf(admin), { url: httpsLocal, description: null }, { allowedHosts: [] }),
    ).toEqual({ ok: false, problem: "private-address" });
    // Saved while allow-listed, then the operator removes the entry: the delivery is refused.
    await createWebhook(db, actorOf(admin), { url: httpsLocal, description: null }, { allowedHosts: ["127.0.0.1"] });
    await deliverDueWebhooks(db, { allowedHosts: [], retryBaseMs: 30_000 });
    const [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "pending", attempts: 1, lastError: "The host resolves to a private address" });
    expect(receiver.received).toHaveLength(0);
  });

  it("two workers racing deliver each delivery once", async () => {
    await addWebhook();
    await sendTestEvent(db, actorOf(admin), (await db.select().from(webhookDeliveries))[0]!.webhookId);
    const sent = await Promise.all([deliverDueWebhooks(db, worker()), deliverDueWebhooks(db, worker())]);
    // webhook.created, webhook.test and the webhook_test.sent audit event: three deliveries, each sent once.
    expect(sent[0]! + sent[1]!).toBe(3);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((entry) => entry.headers["webhook-id"])).size).toBe(3);
  });

  it("record an attempt that throws (undecryptable secret) as failed with backoff, and still deliver the rows behind it", async () => {
    const broken = await addWebhook();
    await db.update(webhooks).set({ secretEncrypted: "v1:garbage" }).where(eq(webhooks.id, broken.id));
    const good = await createWebhook(
      db,
      actorOf(await insertUser(db)),
      { url: receiver.url, description: null },
      { allowedHosts: ["127.0.0.1"] },
    );
    if (!good.ok) throw new Error(good.problem);
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    await runEveryAttempt();
    errors.mockRestore();
    const rows = await db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);
    // The broken webhook's row was first in the queue; the other organisation's webhook got its message anyway.
    expect(rows[0]).toMatchObject({ webhookId: broken.id, state: "failed", attempts: MAX_ATTEMPTS });
    expect(rows[0]!.lastError).toBe(ATTEMPT_BROKE_TEXT);
    expect(rows.find((row) => row.webhookId === good.id)).toMatchObject({ state: "delivered", attempts: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it("keep another worker's result when this worker's lease was taken over mid-attempt", async () => {
    receiver = await startReceiver();
    let takeOver = false;
    const resolve = async () => {
      if (takeOver)
        // Another worker leased the row after this one's lease lapsed, and recorded an attempt of its own.
        await db
          .update(webhookDeliveries)
          .set({ leasedUntil: new Date(Date.now() + 3_600_000), attempts: 5 })
          .where(eq(webhookDeliveries.eventType, "webhook.created"));
      return [{ address: "127.0.0.1", family: 4 as const }];
    };
    const allowedHosts = await addNamedWebhook("hook.test", resolve);
    takeOver = true;
    await deliverDueWebhooks(db, { allowedHosts, retryBaseMs: 30_000, resolve });
    const [row] = await db.select().from(webhookDeliveries);
    // Sent (a duplicate is tolerable, same webhook-id), but the stale worker did not overwrite the new holder's row.
    expect(receiver.received).toHaveLength(1);
    expect(row).toMatchObject({ state: "pending", attempts: 5, deliveredAt: null });
  });

  it("bound the whole attempt, name lookup and response together, by its deadline", async () => {
    receiver = await startReceiver();
    let hang = false;
    const resolve = (): Promise<{ address: string; family: 4 }[]> =>
      hang ? new Promise(() => undefined) : Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    const allowedHosts = await addNamedWebhook("slow.test", resolve);
    hang = true;
    const started = Date.now();
    await deliverDueWebhooks(db, { allowedHosts, retryBaseMs: 30_000, resolve, deadlineMs: 200 });
    expect(Date.now() - started).toBeLessThan(5_000);
    const [row] = await db.select().from(webhookDeliveries);
    expect(row).toMatchObject({ state: "pending", attempts: 1, lastError: "The host name could not be resolved" });

    // A receiver that accepts the connection and never answers.
    const silent = http.createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const silentPort = (silent.address() as AddressInfo).port;
    await db.delete(webhookDeliveries);
    await createWebhook(
      db,
      actorOf(admin),
      { url: `http://127.0.0.1:${silentPort}/hook`, description: null },
      { allowedHosts: ["127.0.0.1"] },
    );
    await deliverDueWebhooks(db, { allowedHosts: ["127.0.0.1"], retryBaseMs: 30_000, deadlineMs: 200 });
    silent.closeAllConnections();
    silent.close();
    const rows = await db.select().from(webhookDeliveries);
    expect(rows.find((entry) => entry.lastError === DEADLINE_TEXT)).toBeTruthy();
  });

  it("refuse an eleventh webhook for one organisation", async () => {
    receiver = await startReceiver();
    const add = () =>
      createWebhook(db, actorOf(admin), { url: receiver.url, description: null }, { allowedHosts: ["127.0.0.1"] });
    for (let i = 0; i < MAX_WEBHOOKS_PER_ORGANISATION; i++) expect((await add()).ok).toBe(true);
    expect(await add()).toEqual({ ok: false, problem: "too-many" });
    // Another organisation has its own ten.
    const other = await createWebhook(
      db,
      actorOf(await insertUser(db)),
      { url: receiver.url, description: null },
      { allowedHosts: ["127.0.0.1"] },
    );
    expect(other.ok).toBe(true);
  });

  it("let no burst of adds at the same moment pass the cap of 10 together", async () => {
    receiver = await startReceiver();
    const add = () =>
      createWebhook(db, actorOf(admin), { url: receiver.url, description: null }, { allowedHosts: ["127.0.0.1"] });
    // Sixteen adds at once: ten fit and six are refused, whatever their order; none fails for losing a race.
    const results = await Promise.all(Array.from({ length: 16 }, add));
    expect(results.filter((result) => result.ok)).toHaveLength(MAX_WEBHOOKS_PER_ORGANISATION);
    expect(results.filter((result) => !result.ok)).toEqual(Array(6).fill({ ok: false, problem: "too-many" }));
    expect(await db.select().from(webhooks).where(eq(webhooks.organisationId, admin.organisationId))).toHaveLength(
      MAX_WEBHOOKS_PER_ORGANISATION,
    );
  });

  it("coalesce a flood of throttled sign-ins into a bounded number of deliveries, per user and per minute", async () => {
    receiver = await startReceiver();
    for (let i = 0; i < 3; i++)
      await createWebhook(
        db,
        actorOf(admin),
        { url: receiver.url, description: null },
        { allowedHosts: ["127.0.0.1"] },
      );
    const victim = await insertUser(db, { organisationId: admin.organisationId });
    const start = new Date();
    // 1,000 refused attempts within one minute from a stranger, for one known address.
    for (let i = 0; i < 1000; i++)
      await recordAuditEvent(db, {
        type: "sign_in.throttled",
        organisationId: admin.organisationId,
        targetUserId: victim.id,
        details: { email: victim.email, limit: "account" },
        at: new Date(start.getTime() + i * 50),
      });
    expect(await db.select().from(auditEvents).where(eq(auditEvents.type, "sign_in.throttled"))).toHaveLength(1000);
    const queued = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventType, "sign_in.throttled"));
    expect(queued).toHaveLength(3); // one per webhook
    // A minute later, or for another user, one more per webhook.
    await recordAuditEvent(db, {
      type: "sign_in.throttled",
      organisationId: admin.organisationId,
      targetUserId: admin.id,
      at: new Date(start.getTime() + 1000),
    });
    await recordAuditEvent(db, {
      type: "sign_in.throttled",
      organisationId: admin.organisationId,
      targetUserId: victim.id,
      at: new Date(start.getTime() + 121_000),
    });
    expect(
      await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "sign_in.throttled")),
    ).toHaveLength(9);
    // Events an administrator causes are never coalesced.
    for (let i = 0; i < 5; i++)
      await recordAuditEvent(db, {
        type: "user.disabled",
        organisationId: admin.organisationId,
        targetUserId: victim.id,
      });
    expect(
      await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "user.disabled")),
    ).toHaveLength(15);
  });

  it("serve every webhook in turn: another organisation's delivery is not starved behind a backlog", async () => {
    receiver = await startReceiver();
    for (let i = 0; i < MAX_WEBHOOKS_PER_ORGANISATION; i++)
      await createWebhook(
        db,
        actorOf(admin),
        { url: receiver.url, description: null },
        { allowedHosts: ["127.0.0.1"] },
      );
    for (let i = 0; i < 15; i++)
      await recordAuditEvent(db, { type: "user.disabled", organisationId: admin.organisationId, details: { i } });
    const other = await insertUser(db);
    const created = await createWebhook(
      db,
      actorOf(other),
      { url: receiver.url, description: null },
      { allowedHosts: ["127.0.0.1"] },
    );
    if (!created.ok) throw new Error(created.problem);
    const [victimDelivery] = await db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.webhookId, created.id));
    const backlog = (await db.select().from(webhookDeliveries)).length;
    expect(backlog).toBeGreaterThan(200);
    // One pass drains everything due, however many...
    expect(await deliverDueWebhooks(db, worker())).toBe(backlog);
    expect(receiver.received).toHaveLength(backlog);
    // ...and the other organisation's delivery went out in the first round (one delivery per webhook).
    const order = receiver.received.map((entry) => entry.headers["webhook-id"]);
    expect(order.indexOf(`msg_${victimDelivery!.id}`)).toBeLessThan(MAX_WEBHOOKS_PER_ORGANISATION + 1);
  });

  it("disable a webhook after 50 failed deliveries in a row, audited and shown in the list", async () => {
    const { id } = await addWebhook(Array(MAX_ATTEMPTS).fill(500));
    const long = new Date(Date.now() - 86_400_000);
    await db.insert(webhookDeliveries).values(
      Array.from({ length: FAILURES_BEFORE_DISABLE - 1 }, () => ({
        webhookId: id,
        eventType: "user.disabled",
        payload: "{}",
        state: "failed" as const,
        attempts: MAX_ATTEMPTS,
        nextAttemptAt: long,
        lastAttemptAt: long,
        createdAt: long,
      })),
    );
    await runEveryAttempt();
    const [disabled] = await db.select().from(auditEvents).where(eq(auditEvents.type, "webhook.disabled"));
    expect(disabled).toMatchObject({ actorUserId: null, details: { webhookId: id, reason: "consecutive_failures" } });
    const [summary] = await listWebhooks(db, admin.organisationId);
    expect(summary).toMatchObject({ enabled: false, disabledAutomatically: true });
    // An administrator's disable is not the circuit breaker's.
    await setWebhookEnabled(db, actorOf(admin), id, true);
    await setWebhookEnabled(db, actorOf(admin), id, false);
    expect((await listWebhooks(db, admin.organisationId))[0]).toMatchObject({ disabledAutomatically: false });
  });

  it("audit a webhook by its id and origin only: the token in its path or query is in no event or payload", async () => {
    receiver = await startReceiver();
    const secretUrl = `${receiver.url}/services/T000/B000/XOXB-token?key=sekrit`;
    const created = await createWebhook(
      db,
      actorOf(admin),
      { url: secretUrl, description: null },
      { allowedHosts: ["127.0.0.1"] },
    );
    if (!created.ok) throw new Error(created.problem);
    await sendTestEvent(db, actorOf(admin), created.id);
    await setWebhookEnabled(db, actorOf(admin), created.id, false);
    await setWebhookEnabled(db, actorOf(admin), created.id, true);
    const events = await db.select().from(auditEvents);
    expect(events.map((event) => event.type)).toEqual([
      "webhook.created",
      "webhook_test.sent",
      "webhook.disabled",
      "webhook.enabled",
    ]);
    for (const event of events)
      expect(event.details).toEqual({ webhookId: created.id, origin: `http://${receiver.host}` });
    const stored = JSON.stringify([events, await db.select().from(webhookDeliveries)]);
    expect(stored).not.toMatch(/XOXB|sekrit|services/);
  });

  it("refuse a test event for a disabled webhook, and say how many queued deliveries enabling sends", async () => {
    const { id } = await addWebhook();
    expect(await setWebhookEnabled(db, actorOf(admin), id, false)).toEqual({ queued: 1 });
    expect(await sendTestEvent(db, actorOf(admin), id)).toBe("disabled");
    expect(await sendTestEvent(db, actorOf(await insertUser(db)), id)).toBe("not-found");
    expect(
      await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventType, "webhook.test")),
    ).toHaveLength(0);
    // While disabled nothing new is queued; the row from before waits, and enabling sends it.
    await recordAuditEvent(db, { type: "user.disabled", organisationId: admin.organisationId });
    expect(await deliverDueWebhooks(db, worker())).toBe(0);
    expect(await setWebhookEnabled(db, actorOf(admin), id, true)).toEqual({ queued: 1 });
    expect(await sendTestEvent(db, actorOf(admin), id)).toBe("queued");
  });

  it("back off about 30 s, 2 min, 10 min, 1 h, 6 h, 24 h", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((attempts) => retryDelayMs(attempts, 30_000, middle) / 1000)).toEqual([
      30, 120, 600, 3600, 21600, 86400, 86400,
    ]);
    expect(retryDelayMs(1, 30_000, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, 30_000, () => 1)).toBe(36_000);
  });

  it("create nothing in the queue when the organisation has no webhook", async () => {
    await recordAuditEvent(db, { type: "user.disabled", organisationId: admin.organisationId });
    expect(await db.select().from(auditEvents)).toHaveLength(1);
    expect(await db.select().from(webhookDeliveries)).toHaveLength(0);
  });
});
