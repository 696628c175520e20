import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { auditEvents, organisations, users } from "@/db/schema";
import {
  confirmAuthenticatorEnrolment,
  startAuthenticatorEnrolment,
} from "@/lib/two-factor/authenticator-app/credentials";
import { checkSecondFactorCode, verifySecondFactor } from "@/lib/two-factor/sign-in/second-factor-check";
import {
  clearFactorFailures,
  reserveFactorFailure,
  secondFactorLimitKey,
  secondFactorLock,
} from "@/lib/two-factor/sign-in/factor-lock";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { insertUser, testDatabase } from "@/test/db";
import { createKeyRing } from "@/lib/keys/key-ring";

const keys = createKeyRing([crypto.randomBytes(32)]);
const start = new Date("2026-06-01T12:00:10Z");
const HOUR = 60 * 60 * 1000;
const at = (ms: number) => new Date(start.getTime() + ms);

async function enrolled(db: Db, userId: number) {
  const started = await startAuthenticatorEnrolment(db, userId, keys, start);
  if (!started.ok) throw new Error("could not start");
  const confirmed = await confirmAuthenticatorEnrolment(db, userId, totpCodeAt(started.secret, start), keys, start);
  if (!confirmed.ok) throw new Error(confirmed.reason);
  return { secret: started.secret, recoveryCodes: confirmed.recoveryCodes };
}

/** A code the app does not show at `now`: the current one with its last digit changed. */
function wrongCode(secret: string, now: Date): string {
  const right = totpCodeAt(secret, now);
  return right.slice(0, 5) + String((Number(right[5]) + 1) % 10);
}

describe("second-factor lock after consecutive failures (NIST SP 800-63B-4 §3.2.2)", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  let secret: string;
  let recoveryCodes: string[];
  const check = (code: string, now: Date) =>
    checkSecondFactorCode(db, { userId: user.id, code, method: "totp", sessionTokenHash: "s", keys, now });

  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
    ({ secret, recoveryCodes } = await enrolled(db, user.id));
  });

  it("101 wrong codes spread over days lock the factor until unlock", async () => {
    // One wrong code an hour: the window limit (10 in 15 minutes) never holds it back.
    for (let i = 0; i < 99; i++) {
      expect(await check(wrongCode(secret, at(i * HOUR)), at(i * HOUR))).toEqual({
        outcome: "wrong",
        codeProblem: null,
        factorLocked: false,
      });
    }
    expect(await secondFactorLock(db, user.id)).toBeNull();
    // The 100th reaches the organisation's limit (100 by default) and locks.
    expect(await check(wrongCode(secret, at(99 * HOUR)), at(99 * HOUR))).toEqual({
      outcome: "wrong",
      codeProblem: null,
      factorLocked: true,
    });
    expect(await secondFactorLock(db, user.id)).toEqual({ lockedAt: at(99 * HOUR), failures: 100 });
    // The 101st is refused unchecked, and so is the right code, days later.
    expect(await check(wrongCode(secret, at(100 * HOUR)), at(100 * HOUR))).toEqual({
      outcome: "locked",
      retryAt: null,
    });
    const daysLater = at(200 * HOUR);
    expect(await check(totpCodeAt(secret, daysLater), daysLater)).toEqual({ outcome: "locked", retryAt: null });
    expect((await secondFactorLock(db, user.id))?.failures).toBe(100);

    // A recovery code still works, and lifts the lock.
    expect(await check(recoveryCodes[0]!, daysLater)).toEqual({
      outcome: "verified",
      method: "recovery_code",
      unlocked: true,
    });
    expect(await secondFactorLock(db, user.id)).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]?.secondFactorConsecutiveFailures).toBe(0);
    const afterwards = at(201 * HOUR);
    expect(await check(totpCodeAt(secret, afterwards), afterwards)).toEqual({
      outcome: "verified",
      method: "totp",
      unlocked: false,
    });
  });

  it("locks at the organisation's own limit, and an administrator's Unlock clears it", async () => {
    await db
      .update(organisations)
      .set({ secondFactorLockoutLimit: 10 })
      .where(eq(organisations.id, user.organisationId));
    for (let i = 0; i < 9; i++)
      expect((await check(wrongCode(secret, at(i * HOUR)), at(i * HOUR))).outcome).toBe("wrong");
    expect(await check(wrongCode(secret, at(9 * HOUR)), at(9 * HOUR))).toMatchObject({
      outcome: "wrong",
      factorLocked: true,
    });
    expect(await check(totpCodeAt(secret, at(10 * HOUR)), at(10 * HOUR))).toEqual({ outcome: "locked", retryAt: null });

    expect(await clearFactorFailures(db, user.id)).toEqual({ lockedAt: at(9 * HOUR), failures: 10 });
    expect(await check(totpCodeAt(secret, at(11 * HOUR)), at(11 * HOUR))).toMatchObject({
      outcome: "verified",
      method: "totp",
    });
  });

  it("never lets an organisation's limit go above 100", async () => {
    await db
      .update(organisations)
      .set({ secondFactorLockoutLimit: 1000 })
      .where(eq(organisations.id, user.organisationId));
    for (let i = 0; i < 99; i++) await reserveFactorFailure(db, user.id, at(i));
    expect(await reserveFactorFailure(db, user.id, at(100))).toEqual({ ok: true, failures: 100, locksIfWrong: true });
    expect(await reserveFactorFailure(db, user.id, at(101))).toEqual({ ok: false, locked: true });
  });

  it("a success in between starts the count again", async () => {
    for (let i = 0; i < 99; i++) await check(wrongCode(secret, at(i * HOUR)), at(i * HOUR));
    expect(await check(totpCodeAt(secret, at(99 * HOUR)), at(99 * HOUR))).toMatchObject({ outcome: "verified" });
    for (let i = 100; i < 199; i++) {
      expect(await check(wrongCode(secret, at(i * HOUR)), at(i * HOUR))).toMatchObject({
        outcome: "wrong",
        factorLocked: false,
      });
    }
    expect(await secondFactorLock(db, user.id)).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]?.secondFactorConsecutiveFailures).toBe(99);
  });

  it("a concurrent burst cannot exceed the cap", async () => {
    // A generous window, so that only the cap stands in the way of the burst.
    await db
      .update(organisations)
      .set({ secondFactorLockoutLimit: 10, secondFactorFailureLimit: 100 })
      .where(eq(organisations.id, user.organisationId));
    const results = await Promise.all(Array.from({ length: 40 }, () => check(wrongCode(secret, start), start)));
    expect(results.filter((result) => result.outcome === "wrong")).toHaveLength(10);
    expect(results.filter((result) => result.outcome === "wrong" && result.factorLocked)).toHaveLength(1);
    expect(results.filter((result) => result.outcome === "locked" && result.retryAt === null)).toHaveLength(30);
    expect((await secondFactorLock(db, user.id))?.failures).toBe(10);
  });

  it("while locked, guessing recovery codes stays under the window limit", async () => {
    await db
      .update(users)
      .set({ secondFactorConsecutiveFailures: 100, secondFactorLockedAt: start })
      .where(eq(users.id, user.id));
    for (let i = 0; i < 10; i++)
      expect(await check("aaaa-bbbb-cccc", at(i))).toEqual({
        outcome: "wrong",
        codeProblem: null,
        factorLocked: false,
      });
    expect(await check(recoveryCodes[0]!, at(10))).toEqual({ outcome: "locked", retryAt: at(15 * 60_000) });
    // Still locked by the cap, and the count did not grow past it.
    expect(await secondFactorLock(db, user.id)).toEqual({ lockedAt: start, failures: 100 });
    expect(await check(recoveryCodes[0]!, at(15 * 60_000))).toMatchObject({ outcome: "verified", unlocked: true });
  });

  it("uses the organisation's window limit", async () => {
    await db
      .update(organisations)
      .set({ secondFactorFailureLimit: 5, failureWindowMinutes: 60 })
      .where(eq(organisations.id, user.organisationId));
    expect(await secondFactorLimitKey(db, user.id)).toEqual({
      scope: "second_factor",
      key: String(user.id),
      limit: 5,
      windowMs: 60 * 60_000,
    });
  });

  it("audits the lock, and the unlock by a recovery code, at sign-in", async () => {
    await db
      .update(organisations)
      .set({ secondFactorLockoutLimit: 10 })
      .where(eq(organisations.id, user.organisationId));
    const context = { ip: "192.0.2.1", userAgent: "test" };
    const signIn = async (code: string, now: Date) => {
      const { token } = await createSession(db, { userId: user.id, stage: "password", context, now });
      return verifySecondFactor(db, {
        user,
        sessionTokenHash: hashToken(token),
        code,
        method: "totp",
        keys,
        context,
        now,
      });
    };
    for (let i = 0; i < 9; i++) await signIn(wrongCode(secret, at(i * HOUR)), at(i * HOUR));
    expect(await signIn(wrongCode(secret, at(9 * HOUR)), at(9 * HOUR))).toMatchObject({
      outcome: "wrong",
      factorLocked: true,
    });
    expect(await signIn(totpCodeAt(secret, at(10 * HOUR)), at(10 * HOUR))).toEqual({
      outcome: "locked",
      retryAt: null,
    });
    expect(await signIn(recoveryCodes[1]!, at(11 * HOUR))).toEqual({ outcome: "verified", method: "recovery_code" });
    const events = await db.select({ type: auditEvents.type, details: auditEvents.details }).from(auditEvents);
    expect(events.filter((event) => event.type === "two_factor.locked").map((event) => event.details)).toEqual([
      { lock: "consecutive" },
      { lock: "consecutive" },
    ]);
    expect(events.filter((event) => event.type === "two_factor.unlocked").map((event) => event.details)).toEqual([
      { by: "recovery_code" },
    ]);
  });
});
