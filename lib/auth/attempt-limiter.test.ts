import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  beginAttempt,
  FAILURE_LIMIT,
  FAILURE_WINDOW_MS,
  forgiveAttempt,
  minutesUntil,
  type LimitKey,
} from "@/lib/auth/attempt-limiter";
import { testDatabase } from "@/test/db";

const start = new Date("2026-01-01T12:00:00Z");
const at = (ms: number) => new Date(start.getTime() + ms);

/** The keys a password attempt counts against, as checkPassword builds them. */
function keysOf({ email, ip }: { email: string; ip: string | null }): LimitKey[] {
  return ip ? [{ scope: "account", key: email }, { scope: "ip", key: ip }] : [{ scope: "account", key: email }];
}

const beginSignInAttempt = (db: Db, keys: { email: string; ip: string | null }, now?: Date) => beginAttempt(db, keysOf(keys), now);

function fail(db: Db, keys: { email: string; ip: string | null }, times: number, now = start) {
  for (let i = 0; i < times; i++) expect(beginSignInAttempt(db, keys, now).allowed).toBe(true);
}

describe("attempt limits (as used for passwords)", () => {
  let db: Db;
  beforeEach(() => {
    db = testDatabase();
  });

  it("allows ten failures of one account, then refuses for fifteen minutes", () => {
    fail(db, { email: "a@example.com", ip: "198.51.100.1" }, FAILURE_LIMIT);
    const refused = beginSignInAttempt(db, { email: "a@example.com", ip: "198.51.100.2" }, at(1000));
    expect(refused).toEqual({ allowed: false, retryAt: at(FAILURE_WINDOW_MS) });
    expect(minutesUntil((refused as { retryAt: Date }).retryAt, at(1000))).toBe(15);
    expect(beginSignInAttempt(db, { email: "a@example.com", ip: null }, at(FAILURE_WINDOW_MS - 1)).allowed).toBe(false);
    expect(beginSignInAttempt(db, { email: "a@example.com", ip: null }, at(FAILURE_WINDOW_MS)).allowed).toBe(true);
  });

  it("counts failures per IP across accounts", () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) fail(db, { email: `user${i}@example.com`, ip: "203.0.113.9" }, 1);
    expect(beginSignInAttempt(db, { email: "fresh@example.com", ip: "203.0.113.9" }, start).allowed).toBe(false);
    expect(beginSignInAttempt(db, { email: "fresh@example.com", ip: "203.0.113.10" }, start).allowed).toBe(true);
  });

  it("unlocks when the oldest of the last ten failures leaves the window", () => {
    const keys = { email: "b@example.com", ip: null };
    fail(db, keys, 1, start);
    fail(db, keys, FAILURE_LIMIT - 1, at(5 * 60 * 1000));
    expect(beginSignInAttempt(db, keys, at(6 * 60 * 1000))).toEqual({ allowed: false, retryAt: at(FAILURE_WINDOW_MS) });
    expect(beginSignInAttempt(db, keys, at(FAILURE_WINDOW_MS)).allowed).toBe(true);
  });

  it("forgives a successful attempt and the account's earlier failures, but not the IP's", () => {
    const keys = { email: "c@example.com", ip: "192.0.2.1" };
    fail(db, keys, FAILURE_LIMIT - 1);
    const attempt = beginSignInAttempt(db, keys, start);
    if (!attempt.allowed) throw new Error("expected the tenth attempt to be allowed");
    forgiveAttempt(db, attempt, [{ scope: "account", key: keys.email }]);
    fail(db, { email: keys.email, ip: "192.0.2.2" }, FAILURE_LIMIT);
    // The IP kept its nine failures: one more locks it.
    fail(db, { email: "other@example.com", ip: "192.0.2.1" }, 1);
    expect(beginSignInAttempt(db, { email: "third@example.com", ip: "192.0.2.1" }, start).allowed).toBe(false);
  });

  it("survives a restart: the count lives in the database", () => {
    fail(db, { email: "d@example.com", ip: null }, FAILURE_LIMIT);
    const rows = db.$client.prepare("select count(*) as n from sign_in_failures where key = ?").get("d@example.com") as { n: number };
    expect(rows.n).toBe(FAILURE_LIMIT);
  });

  it("locks a user's second factor independently of their password", () => {
    const secondFactor: LimitKey[] = [{ scope: "second_factor", key: "42" }];
    for (let i = 0; i < FAILURE_LIMIT; i++) expect(beginAttempt(db, secondFactor, start).allowed).toBe(true);
    expect(beginAttempt(db, secondFactor, start).allowed).toBe(false);
    expect(beginSignInAttempt(db, { email: "42", ip: null }, start).allowed).toBe(true);
  });
});
