import { and, desc, eq, gt, inArray, lte, or } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { signInFailures, type SignInFailureScope } from "@/db/schema";

/** By default ten failures within fifteen minutes lock a key; organisations may set their own (within bounds). */
export const FAILURE_LIMIT = 10;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** A counter of failures: `limit` of them within `windowMs` lock it until the oldest leaves the window. */
export type LimitKey = { scope: SignInFailureScope; key: string; limit?: number; windowMs?: number };

/**
 * When the key is locked, the moment it unlocks: the oldest of the last
 * LIMIT failures leaving the window brings the count back under the limit.
 */
function lockedUntil(db: Executor, { scope, key, limit = FAILURE_LIMIT, windowMs = FAILURE_WINDOW_MS }: LimitKey, now: Date): Date | null {
  const limiting = db
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
    .get();
  return limiting ? new Date(limiting.createdAt.getTime() + windowMs) : null;
}

/** When `key` is locked now, the moment it unlocks; otherwise null. */
export function lockedUntilNow(db: Executor, key: LimitKey, now = new Date()): Date | null {
  return lockedUntil(db, key, now);
}

export type Attempt = { allowed: true; failureIds: number[] } | { allowed: false; retryAt: Date };

/**
 * Checks the limits and, if the attempt may go ahead, counts it as a failure
 * straight away, in one transaction. Concurrent attempts therefore cannot all
 * slip past the check while their secrets are being verified; a successful
 * attempt takes its failure back with `forgiveAttempt`.
 */
export function beginAttempt(db: Db, keys: LimitKey[], now = new Date()): Attempt {
  return db.transaction((tx) => {
    const retryTimes = keys.map((key) => lockedUntil(tx, key, now)).filter((time): time is Date => time !== null);
    if (retryTimes.length > 0) {
      return { allowed: false, retryAt: new Date(Math.max(...retryTimes.map((time) => time.getTime()))) };
    }
    const failureIds = keys.map(({ scope, key, windowMs = FAILURE_WINDOW_MS }) => {
      const windowStart = new Date(now.getTime() - windowMs);
      tx.delete(signInFailures)
        .where(and(eq(signInFailures.scope, scope), eq(signInFailures.key, key), lte(signInFailures.createdAt, windowStart)))
        .run();
      return tx.insert(signInFailures).values({ scope, key, createdAt: now }).returning({ id: signInFailures.id }).get().id;
    });
    return { allowed: true, failureIds };
    // Immediate: with several server processes, the check and the reservation must not interleave.
  }, { behavior: "immediate" });
}

/** Takes back a successful attempt's provisional failures, and wipes the earlier failures of `clear`. */
export function forgiveAttempt(db: Db, attempt: { failureIds: number[] }, clear: LimitKey[] = []): void {
  db.transaction((tx) => {
    if (attempt.failureIds.length) tx.delete(signInFailures).where(inArray(signInFailures.id, attempt.failureIds)).run();
    if (clear.length) {
      tx.delete(signInFailures)
        .where(or(...clear.map(({ scope, key }) => and(eq(signInFailures.scope, scope), eq(signInFailures.key, key)))))
        .run();
    }
  });
}

export function minutesUntil(time: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 60_000));
}
