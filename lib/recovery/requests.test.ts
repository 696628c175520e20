import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type pg from "pg";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteDatabase, type Db } from "@/db";
import { auditEvents, organisations, recoveryRequests, signInFailures } from "@/db/schema";
import {
  dismissPendingRequest,
  insertPendingRequest,
  noticeExpiredRequests,
  openRecoveryRequest,
  pendingRecoveryRequests,
  pendingRequestOfUser,
  RECOVERY_REQUEST_LIFETIME_MS,
  recoveryRequestLimitKey,
  resolvePendingRequests,
} from "@/lib/recovery/requests";
import { recoveryRequestLimited } from "@/lib/recovery/messages";
import { attemptLockNames } from "@/lib/auth/attempt-limiter";
import { insertUser, testDatabase, onPostgres } from "@/test/db";

const start = new Date("2026-06-01T12:00:00Z");
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(start.getTime() + ms);
const context = { ip: "203.0.113.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" };

async function eventsOf(db: Db, type: string) {
  return (await db.select().from(auditEvents)).filter((event) => event.type === type);
}

describe("recovery requests (“I can't use any of my methods”)", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  let admin: Awaited<ReturnType<typeof insertUser>>;
  const open = async (now: Date, who = user) =>
    await openRecoveryRequest(db, { organisationId: who.organisationId, userId: who.id, context }, now);

  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db, { name: "Lost Phone" });
    admin = await insertUser(db, { organisationId: user.organisationId, name: "Admin" });
  });

  it("creates one pending request valid for 7 days, from where it came, and audits it", async () => {
    const opened = await open(start);
    expect(opened).toEqual({
      outcome: "created",
      request: {
        id: expect.any(Number),
        userId: user.id,
        createdAt: start,
        expiresAt: at(7 * DAY),
        ip: context.ip,
        userAgent: context.userAgent,
      },
    });
    const row = (await db.select().from(recoveryRequests))[0]!;
    expect(row).toMatchObject({
      organisationId: user.organisationId,
      userId: user.id,
      state: "pending",
      closedAt: null,
      closedByUserId: null,
    });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(RECOVERY_REQUEST_LIFETIME_MS);
    const [created] = await eventsOf(db, "recovery_request.created");
    expect(created).toMatchObject({
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      ip: context.ip,
    });
    expect(created?.details).toMatchObject({ requestId: row.id });
  });

  it("a second press while one is pending answers with the first and spends nothing", async () => {
    const first = await open(start);
    const again = await open(at(HOUR));
    expect(again).toEqual({ outcome: "already_pending", request: first.outcome === "created" ? first.request : null });
    expect(await db.select().from(recoveryRequests)).toHaveLength(1);
    expect(await eventsOf(db, "recovery_request.created")).toHaveLength(1);
    // Only the creation counted against the daily limit.
    expect(await db.select().from(signInFailures).where(eq(signInFailures.scope, "recovery_request"))).toHaveLength(1);
  });

  it("the insert itself refuses a second pending request, whatever the caller checked first", async () => {
    const first = await insertPendingRequest(
      db,
      { organisationId: user.organisationId, userId: user.id, context },
      start,
    );
    expect(first).not.toBeNull();
    expect(
      await insertPendingRequest(db, { organisationId: user.organisationId, userId: user.id, context }, at(1)),
    ).toBeNull();
    // Once the first has expired, a new one may be pending.
    expect(
      await insertPendingRequest(db, { organisationId: user.organisationId, userId: user.id, context }, at(7 * DAY)),
    ).not.toBeNull();
    // Another user is not affected by this user's request.
    expect(
      await insertPendingRequest(db, { organisationId: admin.organisationId, userId: admin.id, context }, at(1)),
    ).not.toBeNull();
  });

  it.skipIf(!onPostgres)(
    "a press waiting past the lock timeout behind another for the same user is told it is busy, and decides nothing",
    async () => {
      // The press in front (or a flood's head) holds this user's turn.
      const holder = await (db as unknown as { $client: pg.Pool }).$client.connect();
      try {
        await holder.query("begin");
        await holder.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [
          attemptLockNames([recoveryRequestLimitKey(user.id)])[0],
        ]);
        expect(await open(start)).toEqual({ outcome: "busy" });
      } finally {
        await holder.query("rollback");
        holder.release();
      }
      expect(await db.select().from(recoveryRequests)).toHaveLength(0);
      expect(await db.select().from(signInFailures).where(eq(signInFailures.scope, "recovery_request"))).toHaveLength(
        0,
      );
      // Once the turn is free, the press goes through.
      expect((await open(at(1))).outcome).toBe("created");
    },
    20_000,
  );

  it("20 presses at once, interleaved on one connection, leave exactly one pending request", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => Promise.resolve().then(async () => (await open(at(i))).outcome)),
    );
    expect(outcomes.filter((outcome) => outcome === "created")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "already_pending")).toHaveLength(19);
    expect(await db.select().from(recoveryRequests)).toHaveLength(1);
  });

  it("expires after 7 days: no longer pending, noticed and audited once, and a new request may be made", async () => {
    await open(start);
    expect(await pendingRequestOfUser(db, user.organisationId, user.id, at(7 * DAY - 1))).not.toBeNull();
    expect(await pendingRequestOfUser(db, user.organisationId, user.id, at(7 * DAY))).toBeNull();
    expect(await pendingRecoveryRequests(db, user.organisationId, at(7 * DAY))).toEqual([]);

    expect(await noticeExpiredRequests(db, user.organisationId, at(7 * DAY))).toBe(1);
    expect(await noticeExpiredRequests(db, user.organisationId, at(8 * DAY))).toBe(0);
    expect(await eventsOf(db, "recovery_request.expired")).toHaveLength(1);
    expect((await eventsOf(db, "recovery_request.expired"))[0]).toMatchObject({
      targetUserId: user.id,
      actorUserId: null,
    });
    const expired = (await db.select().from(recoveryRequests))[0]!;
    expect(expired).toMatchObject({ state: "pending", closedAt: at(7 * DAY), closedByUserId: null });

    // Expired, so a press makes a new one (and the sweep it runs records nothing twice).
    expect((await open(at(9 * DAY))).outcome).toBe("created");
    expect(await eventsOf(db, "recovery_request.expired")).toHaveLength(1);
  });

  it("a press sweeps the organisation's expired requests, recording each once", async () => {
    const other = await insertUser(db, { organisationId: user.organisationId });
    await open(start, other);
    await open(at(8 * DAY));
    expect((await eventsOf(db, "recovery_request.expired")).map((event) => event.targetUserId)).toEqual([other.id]);
  });

  it("allows three requests a day per user; a fourth waits until the first leaves the day", async () => {
    for (const hour of [0, 1, 2]) {
      const opened = await open(at(hour * HOUR));
      expect(opened.outcome).toBe("created");
      if (opened.outcome !== "created") return;
      expect(
        await dismissPendingRequest(
          db,
          {
            organisationId: user.organisationId,
            userId: user.id,
            requestId: opened.request.id,
            closedByUserId: admin.id,
          },
          at(hour * HOUR + 1),
        ),
      ).not.toBeNull();
    }
    const fourth = await open(at(3 * HOUR));
    expect(fourth).toEqual({ outcome: "limited", retryAt: at(DAY) });
    expect(await pendingRequestOfUser(db, user.organisationId, user.id, at(3 * HOUR))).toBeNull();
    expect(await eventsOf(db, "recovery_request.created")).toHaveLength(3);
    // Another user of the organisation is not held back by this one.
    expect((await open(at(3 * HOUR), admin)).outcome).toBe("created");
    expect((await open(at(DAY))).outcome).toBe("created");
  });

  describe("closing a request only within the organisation and for its user", () => {
    let stranger: Awaited<ReturnType<typeof insertUser>>;
    let requestId: number;

    beforeEach(async () => {
      stranger = await insertUser(db, { name: "Other org admin" });
      const opened = await open(start);
      if (opened.outcome !== "created") throw new Error("not created");
      requestId = opened.request.id;
    });

    it("another organisation cannot dismiss or resolve it", async () => {
      expect(
        await dismissPendingRequest(
          db,
          { organisationId: stranger.organisationId, userId: user.id, requestId, closedByUserId: stranger.id },
          at(HOUR),
        ),
      ).toBeNull();
      expect(
        await resolvePendingRequests(
          db,
          { organisationId: stranger.organisationId, userId: user.id, closedByUserId: stranger.id },
          at(HOUR),
        ),
      ).toEqual([]);
      expect(await pendingRecoveryRequests(db, stranger.organisationId, at(HOUR))).toEqual([]);
      expect((await db.select().from(recoveryRequests))[0]).toMatchObject({ state: "pending", closedAt: null });
    });

    it("a request id named with another user dismisses nothing", async () => {
      expect(
        await dismissPendingRequest(
          db,
          { organisationId: user.organisationId, userId: admin.id, requestId, closedByUserId: admin.id },
          at(HOUR),
        ),
      ).toBeNull();
      expect((await db.select().from(recoveryRequests))[0]?.state).toBe("pending");
    });

    it("dismissing closes it once, by whom and when; an expired one cannot be dismissed", async () => {
      expect(
        await dismissPendingRequest(
          db,
          { organisationId: user.organisationId, userId: user.id, requestId, closedByUserId: admin.id },
          at(HOUR),
        ),
      ).toMatchObject({ id: requestId });
      expect((await db.select().from(recoveryRequests))[0]).toMatchObject({
        state: "dismissed",
        closedAt: at(HOUR),
        closedByUserId: admin.id,
      });
      expect(
        await dismissPendingRequest(
          db,
          { organisationId: user.organisationId, userId: user.id, requestId, closedByUserId: admin.id },
          at(2 * HOUR),
        ),
      ).toBeNull();

      const again = await open(at(3 * HOUR));
      if (again.outcome !== "created") throw new Error("not created");
      expect(
        await dismissPendingRequest(
          db,
          {
            organisationId: user.organisationId,
            userId: user.id,
            requestId: again.request.id,
            closedByUserId: admin.id,
          },
          at(3 * HOUR + 7 * DAY),
        ),
      ).toBeNull();
    });

    it("resolving marks the user's pending request resolved, listed no more", async () => {
      expect(
        (await pendingRecoveryRequests(db, user.organisationId, at(HOUR))).map((request) => [
          request.userId,
          request.name,
          request.email,
        ]),
      ).toEqual([[user.id, "Lost Phone", user.email]]);
      expect(
        (
          await resolvePendingRequests(
            db,
            { organisationId: user.organisationId, userId: user.id, closedByUserId: admin.id },
            at(HOUR),
          )
        ).map((request) => request.id),
      ).toEqual([requestId]);
      expect(
        (
          await db
            .select()
            .from(recoveryRequests)
            .where(and(eq(recoveryRequests.id, requestId)))
        )[0],
      ).toMatchObject({ state: "resolved", closedAt: at(HOUR), closedByUserId: admin.id });
      expect(await pendingRecoveryRequests(db, user.organisationId, at(HOUR))).toEqual([]);
      expect(
        await resolvePendingRequests(
          db,
          { organisationId: user.organisationId, userId: user.id, closedByUserId: admin.id },
          at(2 * HOUR),
        ),
      ).toEqual([]);
    });
  });
});

// Worker threads, each with its own connection to one SQLite file; PostgreSQL's processes meet in e2e/two-instances.spec.ts.
describe.skipIf(onPostgres)("one pending request per user across server processes", () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-recovery-race-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("20 presses from 5 connections at once create exactly one request and one audit event", async () => {
    const file = path.join(directory, "race.db");
    const db = openSqliteDatabase(file);
    const organisationId = (await db.insert(organisations).values({ name: "Race" }).returning())[0]!.id;
    const user = await insertUser(db, { organisationId });
    const workerFile = new URL("./requests.race-worker.ts", import.meta.url).href;
    const barrier = new SharedArrayBuffer(8);
    const flag = new Int32Array(barrier);
    const workers = Array.from(
      { length: 5 },
      () =>
        // A plain Node thread: tsx compiles the worker's TypeScript (and resolves "@/") as Vitest does here.
        new Worker(
          `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(workerFile)}, ${JSON.stringify(workerFile)}))`,
          {
            eval: true,
            workerData: { file, organisationId, userId: user.id, presses: 4, barrier, now: start.getTime() },
          },
        ),
    );
    const results = workers.map(
      (worker) =>
        new Promise<string[]>((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    );
    // Every worker has its connection open and waits: let them all go at once.
    const failed = Promise.race(results).then(() => "a worker finished before the start");
    while (Atomics.load(flag, 1) < workers.length) {
      const early = await Promise.race([failed, new Promise((resolve) => setTimeout(() => resolve(null), 10))]);
      if (early) throw new Error(String(early));
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const outcomes = (await Promise.all(results)).flat();
    await Promise.all(workers.map((worker) => worker.terminate()));

    expect(outcomes).toHaveLength(20);
    expect(outcomes.filter((outcome) => outcome === "created")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome !== "created").every((outcome) => outcome === "already_pending")).toBe(
      true,
    );
    expect(await db.select().from(recoveryRequests)).toHaveLength(1);
    expect(
      (await db.select().from(auditEvents)).filter((event) => event.type === "recovery_request.created"),
    ).toHaveLength(1);
    db.$client.close();
  }, 60_000);
});

describe("the words of a refused request", () => {
  it("says how long to wait in hours, or minutes near the end", () => {
    expect(recoveryRequestLimited(at(21 * HOUR), start)).toBe(
      "You have asked for help too many times today. Try again in 21 hours, or contact your administrator directly.",
    );
    expect(recoveryRequestLimited(at(90 * 60 * 1000), start)).toContain("Try again in 2 hours,");
    expect(recoveryRequestLimited(at(50 * 60 * 1000), start)).toContain("Try again in 50 minutes,");
  });
});
