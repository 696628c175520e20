import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { auditEvents, organisations, signInFailures, users } from "@/db/schema";
import { HashingBusy } from "@/lib/auth/hashing-queue";
import { recordKnownBrowser } from "@/lib/auth/known-browsers";
import * as passwords from "@/lib/auth/passwords";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { FAILURE_LIMIT } from "@/lib/auth/attempt-limiter";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "198.51.100.20", userAgent: "test" };

describe("signing in with a password", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db, { email: "ada@example.com" });
  });

  const auditTypes = async () => (await db.select({ type: auditEvents.type }).from(auditEvents)).map((row) => row.type);

  it("accepts the right password, case-insensitively on the email, and audits it as the password step only", async () => {
    const result = await signInWithPassword(db, { email: "  ADA@Example.com ", password: user.password, context });
    expect(result).toMatchObject({ ok: true, user: { id: user.id, email: "ada@example.com" } });
    expect(await auditTypes()).toEqual(["sign_in.password_verified"]);
    // A second step may still be owed: "last sign-in" waits for the sign-in to complete.
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.lastSignInAt).toBeNull();
  });

  it("gives an unknown email and a wrong password the same answer after the same work", async () => {
    const verify = vi.spyOn(passwords, "verifyPassword");
    const wrongPassword = await signInWithPassword(db, { email: "ada@example.com", password: "nope", context });
    const unknownEmail = await signInWithPassword(db, { email: "nobody@example.com", password: "nope", context });
    expect(wrongPassword).toEqual({ ok: false, reason: "invalid" });
    expect(unknownEmail).toEqual(wrongPassword);
    // Both paths run exactly one argon2 verification (against a dummy hash for the unknown email).
    expect(verify).toHaveBeenCalledTimes(2);
    verify.mockRestore();
    expect(await auditTypes()).toEqual(["sign_in.failed", "sign_in.failed"]);
  });

  it("takes about as long for an unknown email as for a wrong password", async () => {
    const time = async (email: string) => {
      const started = performance.now();
      for (let i = 0; i < 3; i++)
        await signInWithPassword(db, { email, password: "nope", context: { ip: null, userAgent: null } });
      return performance.now() - started;
    };
    await time("warm-up@example.com");
    const unknown = await time("nobody@example.com");
    const known = await time("ada@example.com");
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
  });

  it("locks one address out of an account after ten failures, even for the right password, and audits which limit", async () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      await signInWithPassword(db, { email: "ada@example.com", password: `guess ${i}`, context });
    }
    const result = await signInWithPassword(db, { email: "ada@example.com", password: user.password, context });
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    const throttled = (await db.select().from(auditEvents)).at(-1)!;
    expect(throttled).toMatchObject({ type: "sign_in.throttled", targetUserId: user.id });
    expect(throttled.details).toMatchObject({ limit: "pair", knownBrowser: false });
    // The owner, elsewhere, is not locked out by it.
    expect(
      await signInWithPassword(db, {
        email: "ada@example.com",
        password: user.password,
        context: { ip: "192.0.2.99", userAgent: "x" },
      }),
    ).toMatchObject({
      ok: true,
    });
  });

  it("uses the organisation's own password failure limit", async () => {
    await db.update(organisations).set({ passwordFailureLimit: 3 }).where(eq(organisations.id, user.organisationId));
    for (let i = 0; i < 3; i++)
      await signInWithPassword(db, { email: "ada@example.com", password: `guess ${i}`, context });
    expect(await signInWithPassword(db, { email: "ada@example.com", password: user.password, context })).toMatchObject({
      reason: "throttled",
    });
  });

  it("a stranger's failures from many addresses slow the account down, but not the owner's known browser", async () => {
    await db.update(organisations).set({ accountFailureLimit: 5 }).where(eq(organisations.id, user.organisationId));
    const now = new Date();
    for (let i = 0; i < 8; i++) {
      await signInWithPassword(
        db,
        { email: "ada@example.com", password: `guess ${i}`, context: { ip: `203.0.113.${i}`, userAgent: null } },
        now,
      );
    }
    const fromNewBrowser = await signInWithPassword(
      db,
      { email: "ada@example.com", password: user.password, context },
      now,
    );
    expect(fromNewBrowser).toMatchObject({ ok: false, reason: "throttled" });
    expect((await db.select().from(auditEvents)).at(-1)!.details).toMatchObject({ limit: "account" });

    const { token } = await recordKnownBrowser(db, { userId: user.id, token: null, context });
    const fromKnownBrowser = await signInWithPassword(
      db,
      { email: "ada@example.com", password: user.password, context, deviceToken: token },
      now,
    );
    expect(fromKnownBrowser).toMatchObject({ ok: true });
    // Another account's device token is worth nothing here.
    const other = await insertUser(db, { email: "other@example.com" });
    const othersToken = (await recordKnownBrowser(db, { userId: other.id, token: null, context })).token;
    expect(
      await signInWithPassword(
        db,
        { email: "ada@example.com", password: user.password, context, deviceToken: othersToken },
        now,
      ),
    ).toMatchObject({ ok: false, reason: "throttled" });
  });

  it("answers busy, without counting a failure, when the hashing queue is full", async () => {
    const verify = vi.spyOn(passwords, "verifyPassword").mockRejectedValue(new HashingBusy(3));
    const result = await signInWithPassword(db, { email: "ada@example.com", password: "whatever", context });
    verify.mockRestore();
    expect(result).toEqual({ ok: false, reason: "busy", retryAfterSeconds: 3 });
    expect(await db.select().from(signInFailures)).toEqual([]);
  });

  it("refuses disabled accounts and API accounts, telling only someone who knows the password", async () => {
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await signInWithPassword(db, { email: "ada@example.com", password: "wrong", context })).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await signInWithPassword(db, { email: "ada@example.com", password: user.password, context })).toEqual({
      ok: false,
      reason: "disabled",
    });
    await db.update(users).set({ disabledAt: null, isApiAccount: true }).where(eq(users.id, user.id));
    expect(await signInWithPassword(db, { email: "ada@example.com", password: user.password, context })).toEqual({
      ok: false,
      reason: "api_account",
    });
  });

  it("refuses accounts without a password", async () => {
    const passwordless = await insertUser(db, { email: "sso@example.com", passwordHash: null });
    expect(await signInWithPassword(db, { email: passwordless.email, password: "", context })).toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("gives an SSO user's email the wrong-password answer for any password, after one argon2 verification", async () => {
    const ssoUser = await insertUser(db, {
      email: "sso-user@example.com",
      passwordHash: null,
      ssoIssuer: "https://idp.example.com",
      ssoSubject: "s-1",
    });
    const verify = vi.spyOn(passwords, "verifyPassword");
    // Even the password of the dummy hash unknown emails are checked against.
    for (const password of ["", "anything", "twofold-dummy-password-for-timing"]) {
      expect(await signInWithPassword(db, { email: ssoUser.email, password, context })).toEqual({
        ok: false,
        reason: "invalid",
      });
    }
    expect(verify).toHaveBeenCalledTimes(3);
    verify.mockRestore();
    expect((await db.select().from(users).where(eq(users.id, ssoUser.id)))[0]!.lastSignInAt).toBeNull();
  });

  it("treats SQL-looking input as an ordinary wrong email", async () => {
    const result = await signInWithPassword(db, { email: "' OR 1=1 --@example.com", password: "' OR '1'='1", context });
    expect(result).toEqual({ ok: false, reason: "invalid" });
    expect(await db.select().from(users)).toHaveLength(1);
  });
});
