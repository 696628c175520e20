import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  auditEvents,
  organisations,
  recoveryCodes,
  sessions,
  totpCredentials,
  trustedBrowsers,
  users,
} from "@/db/schema";
import { FAILURE_LIMIT } from "@/lib/auth/attempt-limiter";
import { createSession, loadSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import {
  confirmAuthenticatorEnrolment,
  ENROLMENT_LIFETIME_MS,
  hasConfirmedAuthenticator,
  removeSecondFactors,
  startAuthenticatorEnrolment,
  verifyAuthenticatorCode,
} from "@/lib/two-factor/authenticator-app/credentials";
import {
  CODES_PER_SESSION,
  confirmationMethod,
  verifySecondFactor,
} from "@/lib/two-factor/sign-in/second-factor-check";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { CODE_LIFETIME_MS, issueCode } from "@/lib/two-factor/sent-codes/codes";
import {
  consumeRecoveryCode,
  RECOVERY_CODE_COUNT,
  remainingRecoveryCodes,
} from "@/lib/two-factor/recovery-codes/codes";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import {
  forgetTrustedBrowsersOfUser,
  isTrustedBrowser,
  rememberBrowser,
  TRUSTED_BROWSER_LIFETIME_MS,
} from "@/lib/two-factor/sign-in/trusted-browsers";
import { insertUser, testDatabase } from "@/test/db";
import { createKeyRing } from "@/lib/keys/key-ring";
import { UnreadableSecretError } from "@/lib/keys/secrets";

const keys = createKeyRing([crypto.randomBytes(32)]);
const context = { ip: "192.0.2.1", userAgent: "test" };
const now = new Date("2026-06-01T12:00:10Z");
const later = (ms: number) => new Date(now.getTime() + ms);

async function enrolled(db: Db, userId: number) {
  const started = await startAuthenticatorEnrolment(db, userId, keys, now);
  if (!started.ok) throw new Error("could not start");
  const confirmed = await confirmAuthenticatorEnrolment(db, userId, totpCodeAt(started.secret, now), keys, now);
  if (!confirmed.ok) throw new Error(confirmed.reason);
  return { secret: started.secret, recoveryCodes: confirmed.recoveryCodes };
}

describe("authenticator enrolment", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
  });

  it("keeps the secret encrypted and unconfirmed until a valid code arrives", async () => {
    const started = await startAuthenticatorEnrolment(db, user.id, keys, now);
    if (!started.ok) throw new Error("could not start");
    const row = (await db.select().from(totpCredentials))[0]!;
    expect(row.confirmedAt).toBeNull();
    expect(row.secretEncrypted).not.toContain(started.secret);
    expect(row.secretEncrypted).not.toMatch(/^[A-Z2-7=]+$/);
    expect(await hasConfirmedAuthenticator(db, user.id)).toBe(false);
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("active");

    expect(await confirmAuthenticatorEnrolment(db, user.id, "000000", keys, now)).toEqual({
      ok: false,
      reason: "wrong_code",
    });
    const confirmed = await confirmAuthenticatorEnrolment(db, user.id, totpCodeAt(started.secret, now), keys, now);
    expect(confirmed.ok && confirmed.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(await hasConfirmedAuthenticator(db, user.id)).toBe(true);
    expect(await startAuthenticatorEnrolment(db, user.id, keys, now)).toEqual({ ok: false, reason: "already_enabled" });
  });

  it("lets a started enrolment expire", async () => {
    const started = await startAuthenticatorEnrolment(db, user.id, keys, now);
    if (!started.ok) throw new Error("could not start");
    const tooLate = later(ENROLMENT_LIFETIME_MS + 1000);
    expect(
      await confirmAuthenticatorEnrolment(db, user.id, totpCodeAt(started.secret, tooLate), keys, tooLate),
    ).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("stores recovery codes only as keyed hashes", async () => {
    const { recoveryCodes: codes } = await enrolled(db, user.id);
    const dump = JSON.stringify(await db.select().from(recoveryCodes));
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replaceAll("-", ""));
    }
  });

  it("wipes secret, recovery codes and remembered browsers when 2FA is removed", async () => {
    await enrolled(db, user.id);
    await rememberBrowser(db, { userId: user.id, context, now });
    await removeSecondFactors(db, user.id);
    expect(await db.select().from(totpCredentials)).toHaveLength(0);
    expect(await db.select().from(recoveryCodes)).toHaveLength(0);
    expect(await db.select().from(trustedBrowsers)).toHaveLength(0);
  });
});

describe("authenticator codes", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  let secret: string;
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
    ({ secret } = await enrolled(db, user.id));
  });

  it("accepts each 30-second step once", async () => {
    const next = later(30_000);
    expect(await verifyAuthenticatorCode(db, user.id, totpCodeAt(secret, now), keys, now)).toBe(false); // spent by enrolment
    expect(await verifyAuthenticatorCode(db, user.id, totpCodeAt(secret, next), keys, next)).toBe(true);
    expect(await verifyAuthenticatorCode(db, user.id, totpCodeAt(secret, next), keys, next)).toBe(false);
  });

  it("does not decrypt a secret copied into another user's row: the attacker's app gets nothing there", async () => {
    const victim = await insertUser(db, { organisationId: user.organisationId });
    await enrolled(db, victim.id);
    const attackers = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)))[0]!;
    await db
      .update(totpCredentials)
      .set({ secretEncrypted: attackers.secretEncrypted })
      .where(eq(totpCredentials.userId, victim.id));
    const next = later(30_000);
    await expect(verifyAuthenticatorCode(db, victim.id, totpCodeAt(secret, next), keys, next)).rejects.toThrow(
      UnreadableSecretError,
    );
  });

  it("lets exactly one of twenty simultaneous submissions of one code through", async () => {
    const next = later(30_000);
    const code = totpCodeAt(secret, next);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => verifyAuthenticatorCode(db, user.id, code, keys, next)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("spends a recovery code once, however it is typed", async () => {
    const db2 = testDatabase();
    const other = await insertUser(db2);
    const { recoveryCodes: codes } = await enrolled(db2, other.id);
    const typed = ` ${codes[0]!.toUpperCase().replaceAll("-", " ")} `;
    expect(await consumeRecoveryCode(db2, other.id, typed, keys, now)).toBe(true);
    expect(await consumeRecoveryCode(db2, other.id, codes[0]!, keys, now)).toBe(false);
    expect(await remainingRecoveryCodes(db2, other.id)).toBe(RECOVERY_CODE_COUNT - 1);
    // A code is worthless for another user, and under another server key.
    const stranger = await insertUser(db2, { organisationId: other.organisationId });
    expect(await consumeRecoveryCode(db2, stranger.id, codes[1]!, keys, now)).toBe(false);
    expect(await consumeRecoveryCode(db2, other.id, codes[1]!, createKeyRing([crypto.randomBytes(32)]), now)).toBe(
      false,
    );
  });
});

describe("the sign-in challenge", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  let secret: string;
  let codes: string[];
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
    ({ secret, recoveryCodes: codes } = await enrolled(db, user.id));
  });

  const halfSession = async (at = now) =>
    await createSession(db, { userId: user.id, stage: "password", context, now: at });
  const attempt = (token: string, code: string, at = now) =>
    verifySecondFactor(db, { user, sessionTokenHash: hashToken(token), code, method: "totp", keys, context, now: at });

  it("asks for a second factor after the password, unless 2FA is disabled for the user or the organisation", async () => {
    expect(await stageAfterPassword(db, user.id, null, now)).toEqual({ stage: "password", rememberedBrowser: false });
    await db.update(users).set({ twoFactorRequirement: "disabled" }).where(eq(users.id, user.id));
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("active");
    await db.update(users).set({ twoFactorRequirement: "default" }).where(eq(users.id, user.id));
    await db.update(organisations).set({ twoFactorPolicy: "disabled" });
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("active");
  });

  it("verifies a code or a recovery code, and audits it", async () => {
    const next = later(30_000);
    expect(await attempt((await halfSession()).token, totpCodeAt(secret, next), next)).toEqual({
      outcome: "verified",
      method: "totp",
    });
    expect(await attempt((await halfSession()).token, codes[0]!)).toEqual({
      outcome: "verified",
      method: "recovery_code",
    });
    const types = (await db.select({ type: auditEvents.type }).from(auditEvents).orderBy(auditEvents.id)).map(
      (row) => row.type,
    );
    expect(types).toEqual(["two_factor.succeeded", "recovery_code.used"]);
  });

  it("ends the half-signed-in session after five wrong codes", async () => {
    const { token } = await halfSession();
    for (let i = 1; i < CODES_PER_SESSION; i++) {
      expect(await attempt(token, "000000")).toEqual({
        outcome: "wrong",
        attemptsLeft: CODES_PER_SESSION - i,
        lockedUntil: null,
        factorLocked: false,
        codeProblem: null,
      });
    }
    expect(await attempt(token, "garbage")).toEqual({
      outcome: "session_ended",
      lockedUntil: null,
      factorLocked: false,
    });
    expect(await loadSession(db, token, now)).toBeNull();
  });

  it("locks the second factor after ten failures in fifteen minutes, across sign-ins, even for the right code", async () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) {
      // A new sign-in each time: a new session does not reset the count.
      const result = await attempt((await halfSession()).token, "000000");
      // The tenth failure is the one that locks, and says so (the user is emailed).
      expect(result).toMatchObject({
        outcome: "wrong",
        lockedUntil: i === FAILURE_LIMIT - 1 ? later(15 * 60 * 1000) : null,
      });
    }
    const next = later(30_000);
    const result = await attempt((await halfSession(next)).token, totpCodeAt(secret, next), next);
    expect(result).toEqual({ outcome: "locked", retryAt: later(15 * 60 * 1000) });
    const afterLock = later(15 * 60 * 1000);
    expect(
      (await attempt((await halfSession(afterLock)).token, totpCodeAt(secret, afterLock), afterLock)).outcome,
    ).toBe("verified");
  });

  it("does not let a locked user's right code spend anything", async () => {
    for (let i = 0; i < FAILURE_LIMIT; i++) await attempt((await halfSession()).token, "000000");
    expect((await attempt((await halfSession()).token, codes[0]!)).outcome).toBe("locked");
    expect(await remainingRecoveryCodes(db, user.id)).toBe(RECOVERY_CODE_COUNT);
  });

  it("skips the code for a browser the user asked to remember, and only for that user", async () => {
    const { token } = await rememberBrowser(db, { userId: user.id, context, now });
    expect(await stageAfterPassword(db, user.id, token, now)).toEqual({ stage: "active", rememberedBrowser: true });
    const colleague = await insertUser(db, { organisationId: user.organisationId });
    await enrolled(db, colleague.id);
    expect((await stageAfterPassword(db, colleague.id, token, now)).stage).toBe("password");
    expect(await isTrustedBrowser(db, user.id, token, later(TRUSTED_BROWSER_LIFETIME_MS))).toBe(false);
    await forgetTrustedBrowsersOfUser(db, user.id);
    expect((await stageAfterPassword(db, user.id, token, now)).stage).toBe("password");
  });

  it("stores only the remembered browser's token hash", async () => {
    const { token } = await rememberBrowser(db, { userId: user.id, context, now });
    expect(JSON.stringify(await db.select().from(trustedBrowsers))).not.toContain(token);
    expect(await db.select().from(sessions)).toHaveLength(0);
  });
});

describe("codes as a second factor", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db, { twoFactorRequirement: "required" });
  });

  const halfSession = async (at = now) =>
    await createSession(db, { userId: user.id, stage: "password", context, now: at });
  const send = async (token: string, at: Date) =>
    await issueCode(db, {
      userId: user.id,
      organisationId: user.organisationId,
      sessionTokenHash: hashToken(token),
      purpose: "second_factor",
      plan: { channel: "email", destination: user.email, emailFallback: null },
      smsHourlyLimit: 10,
      keys,
      now: at,
    });
  const attempt = (token: string, code: string, at: Date) =>
    verifySecondFactor(db, { user, sessionTokenHash: hashToken(token), code, method: "code", keys, context, now: at });

  it("puts a required user without an app on codes, with no setup, when the organisation allows codes", async () => {
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("password");
    await db.update(organisations).set({ allowCode: false });
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("setup");
    await db.update(organisations).set({ allowCode: true });
    await db.update(users).set({ twoFactorRequirement: "optional" }).where(eq(users.id, user.id));
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("active");
    await db.update(users).set({ codesEnabledAt: now }).where(eq(users.id, user.id));
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("password");
  });

  it("never offers codes as a quiet way around an app, nor drops an opted-in user to a password alone", async () => {
    await enrolled(db, user.id);
    // Required, with an app: codes only if the user turns them on.
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual(["totp"]);
    await db.update(users).set({ codesEnabledAt: now }).where(eq(users.id, user.id));
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual(["totp", "code"]);
    // An app keeps working when the organisation stops allowing new ones.
    await db.update(organisations).set({ allowTotp: false });
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual(["totp", "code"]);

    // An optional user who chose codes, when codes are then disallowed, must set up an app.
    const optional = await insertUser(db, { organisationId: user.organisationId, codesEnabledAt: now });
    await db.update(organisations).set({ allowTotp: true, allowCode: false });
    expect((await stageAfterPassword(db, optional.id, null, now)).stage).toBe("setup");
  });

  it("confirms a change with a sent code only when codes are the user's method", async () => {
    await enrolled(db, user.id);
    const { token } = await createSession(db, { userId: user.id, stage: "active", context });
    await send(token, new Date()); // a code this session could type, though codes are not the user's method
    expect(await confirmationMethod(db, user.id, hashToken(token))).toBe("totp");
    await db.update(users).set({ codesEnabledAt: now }).where(eq(users.id, user.id));
    expect(await confirmationMethod(db, user.id, hashToken(token))).toBe("code");
  });

  it("accepts the code sent to this session, and says when it has expired", async () => {
    const { token } = await halfSession();
    const sent = await send(token, now);
    if (!sent.ok) throw new Error(sent.reason);
    expect(await attempt(token, sent.code, later(CODE_LIFETIME_MS))).toMatchObject({
      outcome: "wrong",
      codeProblem: "expired",
    });
    const fresh = await send(token, later(CODE_LIFETIME_MS));
    if (!fresh.ok) throw new Error(fresh.reason);
    expect(await attempt(token, fresh.code, later(CODE_LIFETIME_MS + 1000))).toEqual({
      outcome: "verified",
      method: "code",
    });
  });

  it("counts wrong codes toward the lockout, which neither a new code nor a new sign-in resets", async () => {
    const first = await halfSession(now);
    await send(first.token, now);
    for (let i = 0; i < CODES_PER_SESSION; i++) await attempt(first.token, "000000", now);
    expect(await loadSession(db, first.token, now)).toBeNull();

    const second = await halfSession(later(31_000));
    await send(second.token, later(31_000));
    await send(second.token, later(62_000)); // "Send a new code"
    const results = [];
    for (let i = 0; i < FAILURE_LIMIT - CODES_PER_SESSION; i++)
      results.push(await attempt(second.token, "000000", later(62_000)));
    expect(results.at(-1)).toMatchObject({ outcome: "session_ended", lockedUntil: later(15 * 60 * 1000) });

    const third = await halfSession(later(93_000));
    const sent = await send(third.token, later(93_000));
    if (!sent.ok) throw new Error(sent.reason);
    expect(await attempt(third.token, sent.code, later(93_000))).toEqual({
      outcome: "locked",
      retryAt: later(15 * 60 * 1000),
    });
  });
});
