import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteDatabase, type Db } from "@/db";
import { apiRateLimits, apiTokens, users } from "@/db/schema";
import { hitApiRateLimit } from "@/lib/api/rate-limit";
import { createApiToken, revokeApiToken } from "@/lib/api/tokens";
import { insertUser, onPostgres, testDatabase } from "@/test/db";

const start = new Date("2026-04-01T10:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

async function newToken(db: Db): Promise<number> {
  const account = await insertUser(db, { isApiAccount: true, name: "Billing sync" });
  return (await createApiToken(db, { userId: account.id, name: "CI", createdByUserId: null })).id;
}

async function storedCount(db: Db, tokenId: number): Promise<number | undefined> {
  const rows = await db.select().from(apiRateLimits).where(eq(apiRateLimits.tokenId, tokenId));
  return rows[0]?.count;
}

describe("the API rate limit", () => {
  let db: Db;
  let token: number;
  beforeEach(async () => {
    db = testDatabase();
    token = await newToken(db);
  });

  it("allows `limit` requests a window per token, then refuses until the window ends", async () => {
    const decisions = [];
    for (const second of [0, 1, 2]) decisions.push(await hitApiRateLimit(db, token, 3, at(second * 1000)));
    expect(decisions).toEqual([
      { allowed: true, limit: 3, remaining: 2, resetSeconds: 60 },
      { allowed: true, limit: 3, remaining: 1, resetSeconds: 59 },
      { allowed: true, limit: 3, remaining: 0, resetSeconds: 58 },
    ]);
    expect(await hitApiRateLimit(db, token, 3, at(30_000))).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetSeconds: 30,
    });
    expect(await hitApiRateLimit(db, token, 3, at(59_999))).toMatchObject({ allowed: false, resetSeconds: 1 });
    // The window started at the first request; after it, a new one starts.
    expect(await hitApiRateLimit(db, token, 3, at(60_000))).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetSeconds: 60,
    });
  });

  it("counts each token on its own", async () => {
    const other = await newToken(db);
    expect(await hitApiRateLimit(db, token, 1, start)).toMatchObject({ allowed: true });
    expect(await hitApiRateLimit(db, token, 1, start)).toMatchObject({ allowed: false });
    expect(await hitApiRateLimit(db, other, 1, start)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("does not count refused requests against the next window, and the stored count stops one past the limit", async () => {
    expect((await hitApiRateLimit(db, token, 2, start)).allowed).toBe(true);
    expect((await hitApiRateLimit(db, token, 2, start)).allowed).toBe(true);
    for (let i = 0; i < 50; i++) expect((await hitApiRateLimit(db, token, 2, at(10 + i))).allowed).toBe(false);
    expect(await storedCount(db, token)).toBe(3);
    expect(await hitApiRateLimit(db, token, 2, at(60_000))).toMatchObject({ allowed: true, remaining: 1 });
  });

  it("never promises a reset later than one window, even when another instance's clock ran ahead", async () => {
    await hitApiRateLimit(db, token, 5, at(5_000));
    expect(await hitApiRateLimit(db, token, 5, start)).toMatchObject({ allowed: true, resetSeconds: 60 });
  });

  it("goes with its token: deleting the token (or its account) deletes the count", async () => {
    const account = (await db.select().from(apiTokens).where(eq(apiTokens.id, token)))[0]!.userId;
    await hitApiRateLimit(db, token, 5, start);
    // Revoking keeps the token's row, and so its count, until the account goes.
    revokeApiToken(db, { userId: account, tokenId: token });
    expect(await storedCount(db, token)).toBe(1);
    await db.delete(users).where(eq(users.id, account));
    expect(await db.select().from(apiRateLimits)).toEqual([]);
  });

  // Two connections to one SQLite file; PostgreSQL's pools meet in e2e/two-instances.spec.ts.
  it.skipIf(onPostgres)(
    "lets exactly `limit` through when many requests arrive at once over two connections",
    async () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-rate-limit-"));
      const file = path.join(directory, "limit.db");
      const first = openSqliteDatabase(file);
      const second = openSqliteDatabase(file);
      const shared = await newToken(first);
      const decisions = await Promise.all(
        Array.from({ length: 60 }, (_, i) => hitApiRateLimit(i % 2 ? first : second, shared, 25, start)),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(25);
      first.$client.close();
      second.$client.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  );
});

// Worker threads, each with its own connection to one SQLite file; PostgreSQL's processes meet in e2e/two-instances.spec.ts.
describe.skipIf(onPostgres)("the API rate limit across server processes", () => {
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-rate-limit-race-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it("4 connections making 100 requests at once with one token: exactly the limit of 30 go through", async () => {
    const file = path.join(directory, "race.db");
    const db = openSqliteDatabase(file);
    const tokenId = await newToken(db);
    const workerFile = new URL("./rate-limit.race-worker.ts", import.meta.url).href;
    const barrier = new SharedArrayBuffer(8);
    const flag = new Int32Array(barrier);
    const workers = Array.from(
      { length: 4 },
      () =>
        // A plain Node thread: tsx compiles the worker's TypeScript (and resolves "@/") as Vitest does here.
        new Worker(
          `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(workerFile)}, ${JSON.stringify(workerFile)}))`,
          { eval: true, workerData: { file, tokenId, limit: 30, hits: 25, barrier, now: start.getTime() } },
        ),
    );
    const results = workers.map(
      (worker) =>
        new Promise<boolean[]>((resolve, reject) => {
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
    const allowed = (await Promise.all(results)).flat();
    await Promise.all(workers.map((worker) => worker.terminate()));

    expect(allowed).toHaveLength(100);
    expect(allowed.filter(Boolean)).toHaveLength(30);
    expect(await storedCount(db, tokenId)).toBe(31);
    db.$client.close();
  }, 60_000);
});
