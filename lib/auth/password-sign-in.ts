import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type SignInFailureScope } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/auth/passwords";
import { beginAttempt, forgiveAttempt, type LimitKey } from "@/lib/auth/attempt-limiter";
import { addressKey } from "@/lib/auth/client-address";
import { HashingBusy } from "@/lib/auth/hashing-queue";
import { isKnownBrowser } from "@/lib/auth/known-browsers";
import type { RequestContext } from "@/lib/request-context";

export type PasswordSignInResult =
  | { ok: true; user: { id: number; email: string; name: string; organisationId: number } }
  /** Unknown email and wrong password are one outcome, so the answer reveals no accounts. */
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAt: Date }
  /** The password hashing queue is full: come back in a few seconds. */
  | { ok: false; reason: "busy"; retryAfterSeconds: number }
  /** Told only to someone who knows the password. */
  | { ok: false; reason: "disabled" | "api_account" };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Db, email: string) {
  return (
    await db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        organisationId: users.organisationId,
        passwordHash: users.passwordHash,
        disabledAt: users.disabledAt,
        isApiAccount: users.isApiAccount,
      })
      .from(users)
      .where(eq(sql`lower(${users.email})`, normaliseEmail(email)))
  )[0];
}

export type PasswordCheck =
  | { outcome: "correct" }
  | { outcome: "wrong" }
  | { outcome: "throttled"; retryAt: Date; limitedBy: SignInFailureScope };

/**
 * Failures from one address, over every account, within ADDRESS_FAILURE_WINDOW_MS.
 * It stops one address spraying guesses across many accounts; high enough
 * that an office behind one NAT does not reach it by mistyping. It is global,
 * not per organisation, because an unknown email has no organisation.
 */
export const ADDRESS_FAILURE_LIMIT = 100;
export const ADDRESS_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * How long the account-wide slow-down remembers failures: a day, whatever the
 * organisation's failure window. A slow-down that forgot after fifteen
 * minutes would let a guesser spread over many addresses send the account
 * limit's worth of guesses every fifteen minutes (thousands a day); over a
 * day it is the limit plus about four an hour (NIST SP 800-63B-4 §3.2.2 caps
 * consecutive failures at 100).
 */
export const ACCOUNT_FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;

export type FailureLimits = { passwordFailureLimit: number; accountFailureLimit: number; failureWindowMinutes: number };

/** The organisation defaults (db/schema.ts), also used for emails no account has. */
export const DEFAULT_FAILURE_LIMITS: FailureLimits = {
  passwordFailureLimit: 10,
  accountFailureLimit: 100,
  failureWindowMinutes: 15,
};

/**
 * The failure limits for an email: its organisation's, or the defaults. One
 * query either way, so an unknown email takes the same path (ASVS 5.0 V6.3.8).
 */
export async function failureLimitsForEmail(db: Db, email: string): Promise<FailureLimits> {
  const row = (
    await db
      .select({
        passwordFailureLimit: organisations.passwordFailureLimit,
        accountFailureLimit: organisations.accountFailureLimit,
        failureWindowMinutes: organisations.failureWindowMinutes,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(sql`lower(${users.email})`, normaliseEmail(email)))
  )[0];
  return row ?? DEFAULT_FAILURE_LIMITS;
}

/**
 * The counters a password attempt is checked against and counted in:
 * - `pair` (this account from this address) locks after the organisation's
 *   password failure limit, for its window: a guesser is stopped without
 *   touching the owner elsewhere (NIST SP 800-63B-4 §3.2.2);
 * - `address` (every account from this address, IPv6 by /64) locks after
 *   ADDRESS_FAILURE_LIMIT: password spraying;
 * - `account` (this account from everywhere, over ACCOUNT_FAILURE_WINDOW_MS)
 *   never locks, it slows down (attempt-limiter's slowDown): a distributed
 *   guesser is held to a few guesses an hour past the organisation's account
 *   limit, and the owner is delayed, not shut out. A browser that signed in
 *   to this account before skips it.
 */
export function passwordLimitKeys(input: {
  email: string;
  ip: string | null;
  knownBrowser: boolean;
  limits: FailureLimits;
}): LimitKey[] {
  const email = normaliseEmail(input.email);
  const windowMs = input.limits.failureWindowMinutes * 60 * 1000;
  const address = input.ip ? addressKey(input.ip) : "unknown";
  const keys: LimitKey[] = [
    { scope: "pair", key: `${address} ${email}`, limit: input.limits.passwordFailureLimit, windowMs },
  ];
  if (input.ip)
    keys.push({ scope: "address", key: address, limit: ADDRESS_FAILURE_LIMIT, windowMs: ADDRESS_FAILURE_WINDOW_MS });
  if (!input.knownBrowser) {
    keys.push({
      scope: "account",
      key: email,
      limit: input.limits.accountFailureLimit,
      windowMs: Math.max(windowMs, ACCOUNT_FAILURE_WINDOW_MS),
      slowDown: true,
    });
  }
  return keys;
}

/**
 * Verifies a password under the failure limits. Every place that accepts a
 * password (signing in, changing it, confirming access) goes through here, so
 * none of them can be used to guess faster than the others allow. Throws
 * HashingBusy when the hashing queue is full; the attempt is then not counted.
 */
export async function checkPassword(
  db: Db,
  input: {
    email: string;
    ip: string | null;
    passwordHash: string | null | undefined;
    password: string;
    /** This browser signed in to this account before (lib/auth/known-browsers.ts): it skips the account-wide slow-down. */
    knownBrowser?: boolean;
    /** Limits only this caller can reach (a signed-in user's own), forgiven by a correct password like the pair's. */
    ownKeys?: LimitKey[];
  },
  now = new Date(),
): Promise<PasswordCheck> {
  const ownKeys = input.ownKeys ?? [];
  const keys = [
    ...passwordLimitKeys({
      email: input.email,
      ip: input.ip,
      knownBrowser: input.knownBrowser ?? false,
      limits: await failureLimitsForEmail(db, input.email),
    }),
    ...ownKeys,
  ];
  const attempt = await beginAttempt(db, keys, now);
  if (!attempt.allowed) return { outcome: "throttled", retryAt: attempt.retryAt, limitedBy: attempt.limitedBy };
  let correct: boolean;
  try {
    correct = await verifyPassword(input.passwordHash, input.password);
  } catch (error) {
    // Refused before any guess was checked: it costs the guesser nothing, and the owner nothing either.
    if (error instanceof HashingBusy) await forgiveAttempt(db, attempt);
    throw error;
  }
  if (!correct) return { outcome: "wrong" };
  // This pair's earlier failures are forgiven. The address's and the account's
  // are not: they may be a stranger's, whom the owner's success must not reset.
  await forgiveAttempt(db, attempt, [...keys.filter((key) => key.scope === "pair"), ...ownKeys]);
  return { outcome: "correct" };
}

/** The password step of signing in: throttling, verification and its audit trail. */
export async function signInWithPassword(
  db: Db,
  input: {
    email: string;
    password: string;
    context: RequestContext;
    /** The browser's `twofold.device` and "Remember this browser" cookies, if it sent them. */
    deviceToken?: string | null;
    trustedToken?: string | null;
  },
  now = new Date(),
): Promise<PasswordSignInResult> {
  const email = normaliseEmail(input.email);
  const { context } = input;
  const user = await findUserByEmail(db, email);
  const organisationId = user?.organisationId ?? null;
  // Asked for unknown emails too (of user 0, who never exists), so both take the same path.
  const knownBrowser = await isKnownBrowser(
    db,
    { userId: user?.id ?? 0, deviceToken: input.deviceToken, trustedToken: input.trustedToken },
    now,
  );

  let check: PasswordCheck;
  try {
    check = await checkPassword(
      db,
      { email, ip: context.ip, passwordHash: user?.passwordHash, password: input.password, knownBrowser },
      now,
    );
  } catch (error) {
    if (error instanceof HashingBusy) return { ok: false, reason: "busy", retryAfterSeconds: error.retryAfterSeconds };
    throw error;
  }
  if (check.outcome === "throttled") {
    await recordAuditEvent(db, {
      type: "sign_in.throttled",
      organisationId,
      targetUserId: user?.id,
      context,
      details: { email, limit: check.limitedBy, knownBrowser },
      at: now,
    });
    return { ok: false, reason: "throttled", retryAt: check.retryAt };
  }
  if (!user || check.outcome === "wrong") {
    await recordAuditEvent(db, {
      type: "sign_in.failed",
      organisationId,
      targetUserId: user?.id,
      context,
      details: { email, reason: user ? "wrong_password" : "unknown_email" },
      at: now,
    });
    return { ok: false, reason: "invalid" };
  }

  const refusal = user.disabledAt ? "disabled" : user.isApiAccount ? "api_account" : null;
  if (refusal) {
    await recordAuditEvent(db, {
      type: "sign_in.refused",
      organisationId,
      targetUserId: user.id,
      context,
      details: { reason: refusal },
      at: now,
    });
    return { ok: false, reason: refusal };
  }

  const upgradedHash =
    user.passwordHash && passwordNeedsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  if (upgradedHash) await db.update(users).set({ passwordHash: upgradedHash }).where(eq(users.id, user.id));
  // Only the password passed: "last sign-in" moves when the sign-in completes (lib/auth/sign-in-completed.ts).
  await recordAuditEvent(db, {
    type: "sign_in.password_verified",
    organisationId,
    actorUserId: user.id,
    targetUserId: user.id,
    context,
    at: now,
  });
  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, organisationId: user.organisationId },
  };
}
