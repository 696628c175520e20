import { and, count, desc, eq, gt, inArray, lte, or } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { signInFailures, type SignInFailureScope } from "@/db/schema";
import { KeysBusyError, transactionOnKeys } from "@/db/keyed-transaction";

/** By default ten failures within fifteen minutes lock a key; organisations may set their own (within bounds). */
export const FAILURE_LIMIT = 10;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * A counter of failures: `limit` of them within `windowMs` lock it until the
 * oldest leaves the window. A `slowDown` key never locks: past its limit, each
 * further attempt waits a delay that doubles with every failure, from one
 * second up to SLOW_DOWN_MAX_DELAY_MS, counted from the last failure.
 */
export type LimitKey = {
  scope: SignInFailureScope;
  key: string;
  limit?: number;
  windowMs?: number;
  slowDown?: boolean;
};

export const SLOW_DOWN_FIRST_DELAY_MS = 1000;
/** Fifteen minutes: an attacker gets four guesses an hour at most, and the owner can always try again. */
export const SLOW_DOWN_MAX_DELAY_MS = 15 * 60 * 1000;

/** The wait before the next attempt once a slow-down key has `failures` failures in its window (`limit` or more). */
export function slowDownDelayMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(SLOW_DOWN_MAX_DELAY_MS, SLOW_DOWN_FIRST_DELAY_MS * 2 ** Math.min(failures - limit, 30));
}

/**
 * When a slow-down key may next be tried, if not now: NIST SP 800-63B-4
 * §3.2.2 lets a verifier slow attempts down instead of locking, which a
 * stranger cannot turn into a denial of service against the owner.
 */
async function slowedUntil(
  db: Executor,
  { scope, key, limit = FAILURE_LIMIT, windowMs = FAILURE_WINDOW_MS }: LimitKey,
  now: Date,
): Promise<Date | null> {
  const inWindow = and(
    eq(signInFailures.scope, scope),
    eq(signInFailures.key, key),
    gt(signInFailures.createdAt, new Date(now.getTime() - windowMs)),
  );
  const failures = (await db.select({ count: count() }).from(signInFailures).where(inWindow))[0]?.count ?? 0;
  if (failures < limit) return null;
  const last = (
    await db
      .select({ createdAt: signInFailures.createdAt })
      .from(signInFailures)
      .where(inWindow)
      .orderBy(desc(signInFailures.createdAt))
      .limit(1)
  )[0];
  if (!last) return null;
  const until = new Date(last.createdAt.getTime() + slowDownDelayMs(failures, limit));
  return until > now ? until : null;
}

/**
 * When the key is locked, the moment it unlocks: the oldest of the last
 * LIMIT failures leaving the window brings the count back under the limit.
 */
async function lockedUntil(db: Executor, limitKey: LimitKey, now: Date): Promise<Date | null> {
  if (limitKey.slowDown) return slowedUntil(db, limitKey, now);
  const { scope, key, limit = FAILURE_LIMIT, windowMs = FAILURE_WINDOW_MS } = limitKey;
  const limiting = (
    await db
      .select({ createdAt: signInFailures.createdAt })
      .from(signInFailures)
      .where(
        and(
          eq(signInFailures.scope, scope),
          eq(signInFailures.key, key),
          gt(signInFailures.createdAt, new Date(now.getTime() - windowMs)),
        ),
      )
      .orderBy(desc(signInFailures.createdAt))
      .limit(1)
      .offset(limit - 1)
  )[0];
  return limiting ? new Date(limiting.createdAt.getTime() + windowMs) : null;
}

/** When `key` is locked now, the moment it unlocks; otherwise null. */
export async function lockedUntilNow(db: Executor, key: LimitKey, now = new Date()): Promise<Date | null> {
  return await lockedUntil(db, key, now);
}

/** A refusal names the key that refused it (the one that stays closed longest), for the audit log. */
export type Attempt =
  { allowed: true; failureIds: number[] } | { allowed: false; retryAt: Date; limitedBy: SignInFailureScope };

/**
 * Checks the limits and, if the attempt may go ahead, counts it as a failure
 * straight away, in one transaction. Concurrent attempts therefore cannot all
 * slip past the check while their secrets are being verified; a successful
 * attempt takes its failure back with `forgiveAttempt`.
 */
export async function beginAttempt(db: Db, keys: LimitKey[], now = new Date()): Promise<Attempt> {
  try {
    return await checkAndReserve(db, keys, now);
  } catch (error) {
    // Others hold these keys for longer than the lock timeout: a flood on them. Refused as throttled, not a 500.
    if (error instanceof KeysBusyError && keys[0])
      return { allowed: false, retryAt: new Date(now.getTime() + BUSY_RETRY_MS), limitedBy: keys[0].scope };
    throw error;
  }
}

/** When the keys are busy (PostgreSQL's lock timeout), the attempt is refused and may be tried again this much later. */
export const BUSY_RETRY_MS = 5_000;

async function checkAndReserve(db: Db, keys: LimitKey[], now: Date): Promise<Attempt> {
  return await transactionOnKeys(db, attemptLockNames(keys), (tx) => reserveAttemptIn(tx, keys, now));
}

/**
 * beginAttempt's check and reservation, inside a caller's transaction that
 * already holds `attemptLockNames(keys)` (transactionOnKeys), for a caller
 * whose own check must happen under the same locks as the count.
 */
export async function reserveAttemptIn(tx: Executor, keys: LimitKey[], now: Date): Promise<Attempt> {
  let refusal: { retryAt: Date; limitedBy: SignInFailureScope } | null = null;
  for (const key of keys) {
    const retryAt = await lockedUntil(tx, key, now);
    if (retryAt && (!refusal || retryAt > refusal.retryAt)) refusal = { retryAt, limitedBy: key.scope };
  }
  if (refusal) return { allowed: false as const, ...refusal };
  const failureIds: number[] = [];
  for (const { scope, key, windowMs = FAILURE_WINDOW_MS } of keys) {
    const windowStart = new Date(now.getTime() - windowMs);
    await tx
      .delete(signInFailures)
      .where(
        and(eq(signInFailures.scope, scope), eq(signInFailures.key, key), lte(signInFailures.createdAt, windowStart)),
      );
    const [failure] = await tx
      .insert(signInFailures)
      .values({ scope, key, createdAt: now })
      .returning({ id: signInFailures.id });
    failureIds.push(failure!.id);
  }
  return { allowed: true, failureIds };
}

/** The locks the keys' checks and reservations hold. */
export function attemptLockNames(keys: LimitKey[]): string[] {
  return keys.map(lockName);
}

/** The lock a key's check and reservation hold, so concurrent attempts on it (any process, any instance) take turns. */
function lockName({ scope, key }: LimitKey): string {
  return `sign_in_failures ${scope} ${key}`;
}

/** Takes back a successful attempt's provisional failures, and wipes the earlier failures of `clear`. */
export async function forgiveAttempt(db: Db, attempt: { failureIds: number[] }, clear: LimitKey[] = []): Promise<void> {
  // Deleting decides nothing, so it needs no SERIALIZABLE check; the keys it wipes wait for their attempts in progress.
  try {
    await transactionOnKeys(db, clear.map(lockName), async (tx) => {
      if (attempt.failureIds.length)
        await tx.delete(signInFailures).where(inArray(signInFailures.id, attempt.failureIds));
      if (clear.length) {
        await tx
          .delete(signInFailures)
          .where(
            or(...clear.map(({ scope, key }) => and(eq(signInFailures.scope, scope), eq(signInFailures.key, key)))),
          );
      }
    });
  } catch (error) {
    // The keys are busy: the success stands, and its failures stay counted (erring towards the limit).
    if (!(error instanceof KeysBusyError)) throw error;
  }
}

// The words of a wait live in lib/messages.ts; these names stay until app/ imports them from there.
