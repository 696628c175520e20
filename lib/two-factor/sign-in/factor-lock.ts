import { and, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { organisations, users } from "@/db/schema";
import { FAILURE_LIMIT, FAILURE_WINDOW_MS, type LimitKey } from "@/lib/auth/attempt-limiter";
import { greaterOf, lesserOf, timestampValue } from "@/db/portable-sql";

/*
 * Two limits guard every check of a user's second factor:
 *  - the window: `secondFactorFailureLimit` failures within
 *    `failureWindowMinutes` hold the factor back until the oldest leaves the
 *    window (lib/auth/attempt-limiter.ts);
 *  - the cap: `secondFactorLockoutLimit` consecutive failures since the last
 *    success, however spread out in time, lock the factor until a recovery
 *    code or an administrator's "Unlock" (NIST SP 800-63B-4 §3.2.2: no more
 *    than 100 consecutive failed attempts on one account).
 * The window alone lets a patient attacker guess ~960 codes a day forever.
 */

/** NIST SP 800-63B-4 §3.2.2: a verifier SHALL lock after at most 100 consecutive failures. */
export const MAX_SECOND_FACTOR_LOCKOUT_LIMIT = 100;

/** The window limit of a user's second factor, with their organisation's numbers. */
export async function secondFactorLimitKey(db: Executor, userId: number): Promise<LimitKey> {
  const settings = (
    await db
      .select({ limit: organisations.secondFactorFailureLimit, windowMinutes: organisations.failureWindowMinutes })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId))
  )[0];
  return {
    scope: "second_factor",
    key: String(userId),
    limit: settings?.limit ?? FAILURE_LIMIT,
    windowMs: settings ? settings.windowMinutes * 60_000 : FAILURE_WINDOW_MS,
  };
}

export type FactorLock = { lockedAt: Date; failures: number };

/** When the user's second factor is locked by the cap: since when, after how many failures. */
export async function secondFactorLock(db: Executor, userId: number): Promise<FactorLock | null> {
  const row = (
    await db
      .select({ lockedAt: users.secondFactorLockedAt, failures: users.secondFactorConsecutiveFailures })
      .from(users)
      .where(eq(users.id, userId))
  )[0];
  return row?.lockedAt ? { lockedAt: row.lockedAt, failures: row.failures } : null;
}

export type FailureReservation =
  /** `locksIfWrong`: this try is the one that reached the cap; if it fails, the factor is now locked. */
  { ok: true; failures: number; locksIfWrong: boolean } | { ok: false; locked: true };

/**
 * Counts a try at the second factor as a consecutive failure BEFORE it is
 * checked, in one UPDATE … RETURNING: SQLite runs it atomically, so however
 * many requests race, at most `secondFactorLockoutLimit` tries are ever
 * checked before the lock. The try that reaches the cap sets the lock at
 * once; if it turns out right, `clearFactorFailures` takes the lock back.
 * Refused (nothing counted) when the factor is already locked.
 */
export async function reserveFactorFailure(db: Executor, userId: number, now: Date): Promise<FailureReservation> {
  const limit = lesserOf(
    MAX_SECOND_FACTOR_LOCKOUT_LIMIT,
    sql`(select ${organisations.secondFactorLockoutLimit} from ${organisations} where ${organisations.id} = ${users.organisationId})`,
  );
  const row = (
    await db
      .update(users)
      .set({
        secondFactorConsecutiveFailures: sql`${users.secondFactorConsecutiveFailures} + 1`,
        secondFactorLockedAt: sql`case when ${users.secondFactorConsecutiveFailures} + 1 >= ${limit} then ${timestampValue(now)} else null end`,
      })
      .where(and(eq(users.id, userId), isNull(users.secondFactorLockedAt)))
      .returning({ failures: users.secondFactorConsecutiveFailures, lockedAt: users.secondFactorLockedAt })
  )[0];
  if (!row) return { ok: false, locked: true };
  return { ok: true, failures: row.failures, locksIfWrong: row.lockedAt !== null };
}

/**
 * A try that was not the user's failure after all (Duo unreachable, a state
 * this session never stored): gives back what reserveFactorFailure counted,
 * and the lock it set, if any.
 */
export async function releaseFactorFailure(
  db: Executor,
  userId: number,
  reservation: Extract<FailureReservation, { ok: true }>,
): Promise<void> {
  await db
    .update(users)
    .set({
      secondFactorConsecutiveFailures: greaterOf(0, sql`${users.secondFactorConsecutiveFailures} - 1`),
      ...(reservation.locksIfWrong ? { secondFactorLockedAt: null } : {}),
    })
    .where(eq(users.id, userId));
}

/**
 * A success (or an administrator's "Unlock"): the count starts again and the
 * lock goes. Returns the lock that was cleared, for the audit log.
 */
export async function clearFactorFailures(db: Executor, userId: number): Promise<FactorLock | null> {
  const before = await secondFactorLock(db, userId);
  await db
    .update(users)
    .set({ secondFactorConsecutiveFailures: 0, secondFactorLockedAt: null })
    .where(eq(users.id, userId));
  return before;
}
