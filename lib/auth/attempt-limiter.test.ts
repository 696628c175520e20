import { and, count, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db, SqliteDb } from "@/db";
import type pg from "pg";
import { KEY_LOCK_TIMEOUT_MS } from "@/db/keyed-transaction";
import {
  beginAttempt,
  BUSY_RETRY_MS,
  FAILURE_LIMIT,
  FAILURE_WINDOW_MS,
  forgiveAttempt,
  SLOW_DOWN_MAX_DELAY_MS,
  slowDownDelayMs,
  type LimitKey,
} from "@/lib/auth/attempt-limiter";
import { inMinutes as waitText, minutesUntil } from "@/lib/messages";
import { ADDRESS_FAILURE_LIMIT, DEFAULT_FAILURE_LIMITS, passwordLimitKeys } from "@/lib/auth/password-sign-in";
import { signInFailures } from "@/db/schema";
import { onPostgres, testDatabase } from "@/test/db";

const start = new Date("2026-01-01T12:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

/** The keys a password attempt counts against, as checkPassword builds them with the default limits. */
function keysOf({
  email,
  ip,
  knownBrowser = false,
}: {
  email: string;
  ip: string | null;
  knownBrowser?: boolean;
}): LimitKey[] {
  return passwordLimitKeys({ email, ip, knownBrowser, limits: DEFAULT_FAILURE_LIMITS });
}

type Who = { email: string; ip: string | null; knownBrowser?: boolean };
const attempt = async (db: Db, who: Who, now: Date = start) => await beginAttempt(db, keysOf(who), now);

async function fail(db: Db, who: Who, times: number, now = start) {
  for (let i = 0; i < times; i++) expect((await attempt(db, who, now)).allowed).toBe(true);
}

describe("password attempt limits", () => {
  let db: SqliteDb;
  const failuresOf = async (scope: string, key: string) =>
    (
      await db
        .select({ n: count() })
        .from(signInFailures)
        .where(and(eq(signInFailures.scope, scope as never), eq(signInFailures.key, key)))
    )[0]!.n;
  beforeEach(() => {
    db = testDatabase();
  });

  it("locks one account from one address after ten failures, for fifteen minutes", async () => {
    const guesser = { email: "a@example.com", ip: "198.51.100.1" };
    await fail(db, guesser, FAILURE_LIMIT);
    const refused = await attempt(db, guesser, at(1000));
    expect(refused).toEqual({ allowed: false, retryAt: at(FAILURE_WINDOW_MS), limitedBy: "pair" });
    expect(minutesUntil((refused as { retryAt: Date }).retryAt, at(1000))).toBe(15);
    expect((await attempt(db, guesser, at(FAILURE_WINDOW_MS - 1))).allowed).toBe(false);
    expect((await attempt(db, guesser, at(FAILURE_WINDOW_MS))).allowed).toBe(true);
  });

  it("a pair's lock does not reach the same account from another address, nor other accounts from that address", async () => {
    await fail(db, { email: "a@example.com", ip: "198.51.100.1" }, FAILURE_LIMIT);
    expect((await attempt(db, { email: "a@example.com", ip: "198.51.100.2" })).allowed).toBe(true);
    expect((await attempt(db, { email: "colleague@example.com", ip: "198.51.100.1" })).allowed).toBe(true);
  });

  it("unlocks a pair when the oldest of its last ten failures leaves the window", async () => {
    const who = { email: "b@example.com", ip: "192.0.2.8" };
    await fail(db, who, 1, start);
    await fail(db, who, FAILURE_LIMIT - 1, at(5 * 60 * 1000));
    expect(await attempt(db, who, at(6 * 60 * 1000))).toMatchObject({
      allowed: false,
      retryAt: at(FAILURE_WINDOW_MS),
      limitedBy: "pair",
    });
    expect((await attempt(db, who, at(FAILURE_WINDOW_MS))).allowed).toBe(true);
  });

  it("locks an address spraying guesses over many accounts once it reaches the address limit", async () => {
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++)
      await fail(db, { email: `user${i}@example.com`, ip: "203.0.113.9" }, 1);
    expect(await attempt(db, { email: "fresh@example.com", ip: "203.0.113.9" })).toMatchObject({
      allowed: false,
      limitedBy: "address",
    });
    expect((await attempt(db, { email: "fresh@example.com", ip: "203.0.113.10" })).allowed).toBe(true);
  });

  it("an office behind one address can mistype many times, across people, without being locked", async () => {
    for (let person = 0; person < 30; person++)
      await fail(db, { email: `staff${person}@example.com`, ip: "198.51.100.200" }, 3);
    expect((await attempt(db, { email: "staff0@example.com", ip: "198.51.100.200" })).allowed).toBe(true);
  });

  it("counts an IPv6 /64 as one address, so a client cannot hop through its own addresses", async () => {
    for (let i = 0; i < FAILURE_LIMIT; i++)
      await fail(db, { email: "v6@example.com", ip: `2001:db8:1:2::${(i + 1).toString(16)}` }, 1);
    expect(await attempt(db, { email: "v6@example.com", ip: "2001:db8:1:2:ffff::1" })).toMatchObject({
      allowed: false,
      limitedBy: "pair",
    });
    expect((await attempt(db, { email: "v6@example.com", ip: "2001:db8:1:3::1" })).allowed).toBe(true);
  });

  describe("the account from everywhere", () => {
    const accountLimit = DEFAULT_FAILURE_LIMITS.accountFailureLimit;
    /** Failures from as many addresses, so no pair or address limit is reached. */
    async function failFromEverywhere(count: number, now: Date, offset = 0) {
      for (let i = 0; i < count; i++)
        await fail(db, { email: "alice@example.com", ip: `10.${(offset + i) >> 8}.${(offset + i) & 255}.1` }, 1, now);
    }

    it("slows down past its limit with a delay that doubles from one second, and never locks", async () => {
      await failFromEverywhere(accountLimit, start);
      const next = { email: "alice@example.com", ip: "172.16.0.1" };
      // The 100th failure is at `start`: the next attempt waits one second.
      expect(await attempt(db, next, start)).toEqual({ allowed: false, retryAt: at(1000), limitedBy: "account" });
      expect((await attempt(db, next, at(1000))).allowed).toBe(true);
      // Now 101 failures, the last at +1 s: two seconds more.
      expect(await attempt(db, next, at(2000))).toEqual({ allowed: false, retryAt: at(3000), limitedBy: "account" });
      expect((await attempt(db, next, at(3000))).allowed).toBe(true);
      expect(await attempt(db, next, at(3000 + 3999))).toMatchObject({ allowed: false, retryAt: at(7000) });
    });

    it("caps the delay at fifteen minutes: however long a stranger keeps at it, the owner can always try again", async () => {
      expect([0, 1, 2, 3, 9, 10, 11, 500].map((extra) => slowDownDelayMs(accountLimit + extra, accountLimit))).toEqual([
        1000, 2000, 4000, 8000, 512_000, 900_000, 900_000, 900_000,
      ]);
      expect(slowDownDelayMs(accountLimit - 1, accountLimit)).toBe(0);
      // A stranger who tries again the moment each delay ends, for a whole day.
      await failFromEverywhere(accountLimit, start);
      let now = start;
      let guesses = 0;
      const day = 24 * 60 * 60 * 1000;
      while (now.getTime() < start.getTime() + day) {
        const next = await attempt(
          db,
          { email: "alice@example.com", ip: `172.16.${guesses >> 8}.${guesses & 255}` },
          now,
        );
        if (next.allowed) guesses++;
        else {
          expect(next.retryAt.getTime() - now.getTime()).toBeLessThanOrEqual(SLOW_DOWN_MAX_DELAY_MS);
          now = next.retryAt;
        }
      }
      // Four an hour once the cap is reached (after ten quick doublings), not a hundred every fifteen minutes.
      expect(guesses).toBeGreaterThan(24 * 4 - 4);
      expect(guesses).toBeLessThan(24 * 4 + 12);
      const owner = { email: "alice@example.com", ip: "192.0.2.200" };
      const refused = await attempt(db, owner, now);
      const retryAt = refused.allowed ? now : refused.retryAt;
      expect(retryAt.getTime() - now.getTime()).toBeLessThanOrEqual(SLOW_DOWN_MAX_DELAY_MS);
      expect((await attempt(db, owner, retryAt)).allowed).toBe(true);
    });

    it("lets a browser that signed in to the account before past the slow-down, but not past its own pair limit", async () => {
      await failFromEverywhere(accountLimit, start);
      const ownersBrowser = { email: "alice@example.com", ip: "192.0.2.44", knownBrowser: true };
      expect(await attempt(db, { ...ownersBrowser, knownBrowser: false })).toMatchObject({
        allowed: false,
        limitedBy: "account",
      });
      await fail(db, ownersBrowser, FAILURE_LIMIT);
      expect(await attempt(db, ownersBrowser)).toMatchObject({ allowed: false, limitedBy: "pair" });
    });
  });

  it("forgives a success and its pair's earlier failures, but not the address's", async () => {
    const who = { email: "c@example.com", ip: "192.0.2.1" };
    await fail(db, who, FAILURE_LIMIT - 1);
    const success = await attempt(db, who);
    if (!success.allowed) throw new Error("expected the tenth attempt to be allowed");
    await forgiveAttempt(
      db,
      success,
      keysOf(who).filter((key) => key.scope === "pair"),
    );
    await fail(db, who, FAILURE_LIMIT);
    expect((await attempt(db, who)).allowed).toBe(false);
    expect(await failuresOf("address", "192.0.2.1")).toBe(2 * FAILURE_LIMIT - 1);
  });

  it("a flood of attempts at once, for many accounts from many addresses, is each counted and never fails on the race", async () => {
    const flood = Array.from({ length: 30 }, (_, i) => ({ email: `flood${i}@example.com`, ip: `198.51.100.${i + 1}` }));
    const results = await Promise.all(flood.map((who) => attempt(db, who)));
    expect(results.every((result) => result.allowed)).toBe(true);
    expect((await db.select({ n: count() }).from(signInFailures).where(eq(signInFailures.scope, "pair")))[0]!.n).toBe(
      30,
    );
  });

  it("attempts racing on one account from one address let exactly the limit through", async () => {
    const guesser = { email: "race@example.com", ip: "203.0.113.9" };
    const results = await Promise.all(Array.from({ length: FAILURE_LIMIT + 15 }, () => attempt(db, guesser)));
    expect(results.filter((result) => result.allowed)).toHaveLength(FAILURE_LIMIT);
    expect(await failuresOf("pair", "203.0.113.9 race@example.com")).toBe(FAILURE_LIMIT);
  });

  it("survives a restart: the count lives in the database", async () => {
    await fail(db, { email: "d@example.com", ip: null }, FAILURE_LIMIT);
    expect(await failuresOf("pair", "unknown d@example.com")).toBe(FAILURE_LIMIT);
    expect((await attempt(db, { email: "d@example.com", ip: null })).allowed).toBe(false);
  });

  it("locks a user's second factor independently of their password", async () => {
    const secondFactor: LimitKey[] = [{ scope: "second_factor", key: "42" }];
    for (let i = 0; i < FAILURE_LIMIT; i++) expect((await beginAttempt(db, secondFactor, start)).allowed).toBe(true);
    expect((await beginAttempt(db, secondFactor, start)).allowed).toBe(false);
    expect((await attempt(db, { email: "42", ip: null }, start)).allowed).toBe(true);
  });

  it.each([
    [999, "1 second"],
    [30_000, "30 seconds"],
    [59_001, "1 minute"],
    [60_000, "1 minute"],
    [61_000, "2 minutes"],
    [FAILURE_WINDOW_MS, "15 minutes"],
  ])("says a wait of %i ms as “%s”", (ms, text) => {
    expect(waitText(at(ms), start)).toBe(text);
  });
});

describe("a flood holding one key's lock (PostgreSQL)", () => {
  it.skipIf(!onPostgres)(
    "answers a waiter that cannot get the lock in time as throttled, not with an error",
    async () => {
      const db = testDatabase();
      const key: LimitKey = { scope: "account", key: "ceo@victim.example" };
      expect((await beginAttempt(db, [key], start)).allowed).toBe(true);
      // Another request holds the key's lock (a long transaction, or the head of a flood's queue).
      const holder = await (db.$client as unknown as pg.Pool).connect();
      try {
        await holder.query("begin");
        await holder.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [
          "sign_in_failures account ceo@victim.example",
        ]);
        const began = Date.now();
        const attempt = await beginAttempt(db, [key], start);
        expect(Date.now() - began).toBeLessThan(KEY_LOCK_TIMEOUT_MS + 3_000);
        expect(attempt).toEqual({ allowed: false, retryAt: at(BUSY_RETRY_MS), limitedBy: "account" });
        // Taking back a success's failures does not fail either: they stay counted.
        await expect(forgiveAttempt(db, { failureIds: [] }, [key])).resolves.toBeUndefined();
      } finally {
        await holder.query("rollback");
        holder.release();
      }
      // Once the holder is done, the key works again.
      expect((await beginAttempt(db, [key], start)).allowed).toBe(true);
    },
    20_000,
  );
});
