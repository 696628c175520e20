import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { sessions } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { beginAttempt, forgiveAttempt, lockedUntilNow } from "@/lib/auth/attempt-limiter";
import type { RequestContext } from "@/lib/request-context";
import { verifyAuthenticatorCode } from "@/lib/two-factor/authenticator-app/credentials";
import {
  clearFactorFailures,
  reserveFactorFailure,
  secondFactorLimitKey,
  secondFactorLock,
} from "@/lib/two-factor/sign-in/factor-lock";
import type { CodeMethod } from "@/lib/two-factor/policy/methods";
import { policyRefusesCode } from "@/lib/two-factor/policy/confirmation";
import { checkCode, liveCode } from "@/lib/two-factor/sent-codes/codes";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { consumeRecoveryCode, normaliseRecoveryCode } from "@/lib/two-factor/recovery-codes/codes";
import type { KeyRing } from "@/lib/keys/key-ring";

/** Wrong codes one half-signed-in session may try before it is ended. */
export const CODES_PER_SESSION = 5;

export type VerifiedMethod = CodeMethod | "recovery_code";
/** Why a sent code was not accepted, beyond being wrong. */
export type CodeProblem = "expired" | "no_code" | "voided" | null;

export type ChallengeResult =
  | { outcome: "verified"; method: VerifiedMethod }
  /**
   * `lockedUntil`: this failure was the one that locked the user's second factor for a while;
   * `factorLocked`: it reached the cap of consecutive failures and locked it until unlocked.
   */
  | {
      outcome: "wrong";
      attemptsLeft: number;
      lockedUntil: Date | null;
      factorLocked: boolean;
      codeProblem: CodeProblem;
    }
  /** This session used up its attempts and no longer exists. */
  | { outcome: "session_ended"; lockedUntil: Date | null; factorLocked: boolean }
  /**
   * The user's second factor is locked: until `retryAt` by the failure window,
   * or (`retryAt: null`) by the cap, until a recovery code or an administrator unlocks it.
   */
  | { outcome: "locked"; retryAt: Date | null }
  /** The user must use a passkey or security key: a code other than a recovery code is not even checked. */
  | { outcome: "method_refused" };

export type CodeCheck =
  /** `unlocked`: a recovery code cleared the lock the cap had set. */
  | { outcome: "verified"; method: VerifiedMethod; unlocked: boolean }
  /** `factorLocked`: this wrong code reached the cap: the factor is now locked until unlocked. */
  | { outcome: "wrong"; codeProblem: CodeProblem; factorLocked: boolean }
  /** `retryAt: null`: locked by the cap until a recovery code or an administrator's "Unlock". */
  | { outcome: "locked"; retryAt: Date | null };

type CodeInput = {
  userId: number;
  code: string;
  /** Which code the user was asked for; a recovery code is recognised by its shape whatever this says. */
  method: CodeMethod;
  /** The session a sent code is bound to. */
  sessionTokenHash: string;
  keys: KeyRing;
  now?: Date;
};

/**
 * Checks an authenticator, sent or recovery code under the user's
 * second-factor failure limit. Every place that accepts a code (signing in,
 * turning 2FA off) goes through here, so none can be used to guess faster.
 * Only the code the user was asked for is tried, so one guess is one guess.
 */
export async function checkSecondFactorCode(db: Db, input: CodeInput): Promise<CodeCheck> {
  const now = input.now ?? new Date();
  // Counted per user, not per session: signing in again does not reset it.
  const limitKey = await secondFactorLimitKey(db, input.userId);
  const isRecoveryCode = Boolean(normaliseRecoveryCode(input.code));
  // Locked by the cap: only a recovery code is still checked (it is how the user gets back in).
  const lock = await secondFactorLock(db, input.userId);
  if (lock && !isRecoveryCode) return { outcome: "locked", retryAt: null };
  const attempt = await beginAttempt(db, [limitKey], now);
  if (!attempt.allowed) return { outcome: "locked", retryAt: attempt.retryAt };
  // Counted before it is checked, so a burst of concurrent guesses cannot pass the cap.
  // While locked, a recovery code is not counted: the lock is already there.
  const reservation = lock ? null : await reserveFactorFailure(db, input.userId, now);
  if (reservation && !reservation.ok && !isRecoveryCode) {
    // A concurrent request locked it in the meantime: this code is not checked.
    await forgiveAttempt(db, attempt);
    return { outcome: "locked", retryAt: null };
  }
  let verified: VerifiedMethod | null = null;
  let codeProblem: CodeProblem = null;
  if (isRecoveryCode) {
    if (await consumeRecoveryCode(db, input.userId, input.code, input.keys, now)) verified = "recovery_code";
  } else if (input.method === "code") {
    const check = await checkCode(db, { ...input, purpose: "second_factor", now });
    if (check.ok) verified = "code";
    else codeProblem = check.reason === "wrong" ? (check.voided ? "voided" : null) : check.reason;
  } else if (await verifyAuthenticatorCode(db, input.userId, input.code, input.keys, now)) {
    verified = "totp";
  }
  if (!verified)
    return { outcome: "wrong", codeProblem, factorLocked: Boolean(reservation?.ok && reservation.locksIfWrong) };
  await forgiveAttempt(db, attempt, [limitKey]);
  // A success starts the count again; a recovery code also lifts the lock (NIST SP 800-63B-4 §3.2.2).
  await clearFactorFailures(db, input.userId);
  return { outcome: "verified", method: verified, unlocked: lock !== null || Boolean(reservation && !reservation.ok) };
}

/**
 * For confirming a change while signed in: a code this session was just
 * sent, when codes are one of the user's methods and one is waiting, else
 * the authenticator app.
 */
export async function confirmationMethod(db: Db, userId: number, sessionTokenHash: string): Promise<CodeMethod> {
  const codeWaiting = await liveCode(db, { userId, sessionTokenHash, purpose: "second_factor" });
  return codeWaiting && (await twoFactorStateOfUser(db, userId)).methods.includes("code") ? "code" : "totp";
}

/**
 * Checks a code sent for something other than signing in (turning codes on,
 * verifying a mobile number) under the user's second-factor failure limit,
 * so no form is a faster way to guess.
 */
export async function checkSentCodeUnderLimit(
  db: Db,
  input: {
    userId: number;
    sessionTokenHash: string;
    purpose: "enable_codes" | "verify_mobile";
    code: string;
    keys: KeyRing;
    now?: Date;
  },
): Promise<Awaited<ReturnType<typeof checkCode>> | { ok: false; reason: "locked"; retryAt: Date }> {
  const now = input.now ?? new Date();
  const attempt = await beginAttempt(db, [await secondFactorLimitKey(db, input.userId)], now);
  if (!attempt.allowed) return { ok: false, reason: "locked", retryAt: attempt.retryAt };
  const check = await checkCode(db, { ...input, now });
  // A right code takes back only its own provisional failure: it proves a mailbox or phone, not the second factor.
  if (check.ok) await forgiveAttempt(db, attempt);
  return check;
}

type ChallengeInput = {
  user: { id: number; organisationId: number };
  sessionTokenHash: string;
  code: string;
  method: CodeMethod;
  keys: KeyRing;
  context: RequestContext;
  now?: Date;
};

/**
 * The second step of signing in: an authenticator code or a recovery code, under the failure limits.
 * Someone who must use phishing-resistant methods (lib/two-factor/policy/requirement.ts) gets only
 * the recovery code checked: an authenticator or sent code is refused here, on the server, whatever
 * the page offered (NIST SP 800-63B-4 §3.2.5; ASVS 5.0 V6.5). It is refused before it is checked,
 * so the refusal says nothing about whether the code was right, and it costs no attempt.
 */
export async function verifySecondFactor(db: Db, input: ChallengeInput): Promise<ChallengeResult> {
  const { user, context } = input;
  const now = input.now ?? new Date();
  const audit = async (
    type: Parameters<typeof recordAuditEvent>[1]["type"],
    details?: Record<string, string | number>,
  ) =>
    await recordAuditEvent(db, {
      type,
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
      details,
      at: now,
    });

  if (policyRefusesCode(await twoFactorStateOfUser(db, user.id, now), input.code)) {
    await audit("two_factor_method.refused", { method: input.method, reason: "phishing_resistant_required" });
    return { outcome: "method_refused" };
  }

  const check = await checkSecondFactorCode(db, {
    userId: user.id,
    code: input.code,
    method: input.method,
    sessionTokenHash: input.sessionTokenHash,
    keys: input.keys,
    now,
  });
  if (check.outcome === "locked") {
    await audit("two_factor.locked", { lock: check.retryAt ? "window" : "consecutive" });
    return check;
  }
  if (check.outcome === "verified") {
    await audit(check.method === "recovery_code" ? "recovery_code.used" : "two_factor.succeeded", {
      method: check.method,
    });
    if (check.unlocked) await audit("two_factor.unlocked", { by: "recovery_code" });
    return { outcome: "verified", method: check.method };
  }

  return countFailedSecondFactor(db, {
    user,
    sessionTokenHash: input.sessionTokenHash,
    context,
    now,
    codeProblem: check.codeProblem,
    factorLocked: check.factorLocked,
  });
}

export type FailureResult = Extract<ChallengeResult, { outcome: "wrong" | "session_ended" }>;

/**
 * One failed second factor in a half-signed-in session: a wrong code, or a
 * Duo prompt that was denied or came back wrong. Counted in the session (it
 * ends after CODES_PER_SESSION) and audited; the per-user lock is counted by
 * the caller's beginAttempt, and reported here when this failure set it.
 */
export async function countFailedSecondFactor(
  db: Db,
  input: {
    user: { id: number; organisationId: number };
    sessionTokenHash: string;
    context: RequestContext;
    now: Date;
    codeProblem?: CodeProblem;
    /** This failure reached the cap of consecutive failures (see reserveFactorFailure). */
    factorLocked: boolean;
    details?: Record<string, string>;
  },
): Promise<FailureResult> {
  const { user, context, now } = input;
  const audit = async (
    type: Parameters<typeof recordAuditEvent>[1]["type"],
    details?: Record<string, string | number>,
  ) =>
    await recordAuditEvent(db, {
      type,
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
      details,
      at: now,
    });
  const counted = (
    await db
      .update(sessions)
      .set({ secondFactorFailures: sql`${sessions.secondFactorFailures} + 1` })
      .where(eq(sessions.tokenHash, input.sessionTokenHash))
      .returning({ failures: sessions.secondFactorFailures })
  )[0];
  const failures = counted?.failures ?? CODES_PER_SESSION;
  await audit("two_factor.failed", { failuresInSession: failures, ...input.details });
  const lockedNow = await lockedUntilNow(db, await secondFactorLimitKey(db, user.id), now);
  const { factorLocked } = input;
  if (factorLocked) await audit("two_factor.locked", { lock: "consecutive" });
  else if (lockedNow) await audit("two_factor.locked", { lock: "window" });
  if (failures >= CODES_PER_SESSION) {
    await db.delete(sessions).where(eq(sessions.tokenHash, input.sessionTokenHash));
    return { outcome: "session_ended", lockedUntil: lockedNow, factorLocked };
  }
  return {
    outcome: "wrong",
    attemptsLeft: CODES_PER_SESSION - failures,
    lockedUntil: lockedNow,
    factorLocked,
    codeProblem: input.codeProblem ?? null,
  };
}
