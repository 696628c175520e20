import { and, desc, eq, gt, lte } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { signInFailures } from "@/db/schema";

export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export type ThrottleKeys = { email: string; ip: string | null };

type Scope = "account" | "ip";

function keysOf({ email, ip }: ThrottleKeys): Array<{ scope: Scope; key: string }> {
  return ip ? [{ scope: "account", key: email }, { scope: "ip", key: ip }] : [{ scope: "account", key: email }];
}

/**
 * When the key is locked, the moment it unlocks: the oldest of the last
 * LIMIT failures leaving the window brings the count back under the limit.
 */
function lockedUntil(db: Executor, scope: Scope, key: string, now: Date): Date | null {
  const windowStart = new Date(now.getTime() - SIGN_IN_FAILURE_WINDOW_MS);
  const limiting = db
    .select({ createdAt: signInFailures.createdAt })
    .from(signInFailures)
    .where(and(eq(signInFailures.scope, scope), eq(signInFailures.key, key), gt(signInFailures.createdAt, windowStart)))
    .orderBy(desc(signInFailures.createdAt))
    .limit(1)
    .offset(SIGN_IN_FAILURE_LIMIT - 1)
    .get();
  return limiting ? new Date(limiting.createdAt.getTime() + SIGN_IN_FAILURE_WINDOW_MS) : null;
}

export type SignInAttempt =
  | { allowed: true; failureIds: number[] }
  | { allowed: false; retryAt: Date };

/**
 * Checks the limits and, if the attempt may go ahead, counts it as a failure
 * straight away, in one transaction. Concurrent attempts therefore cannot all
 * slip past the check while their passwords are being hashed; a successful
 * attempt takes its failure back with `forgiveAttempt`.
 */
export function beginSignInAttempt(db: Db, keys: ThrottleKeys, now = new Date()): SignInAttempt {
  return db.transaction((tx) => {
    const retryTimes = keysOf(keys)
      .map(({ scope, key }) => lockedUntil(tx, scope, key, now))
      .filter((time): time is Date => time !== null);
    if (retryTimes.length > 0) {
      return { allowed: false, retryAt: new Date(Math.max(...retryTimes.map((time) => time.getTime()))) };
    }
    const failureIds = keysOf(keys).map(({ scope, key }) => {
      tx.delete(signInFailures)
        .where(
          and(
            eq(signInFailures.scope, scope),
            eq(signInFailures.key, key),
            lte(signInFailures.createdAt, new Date(now.getTime() - SIGN_IN_FAILURE_WINDOW_MS)),
          ),
        )
        .run();
      const inserted = tx
        .insert(signInFailures)
        .values({ scope, key, createdAt: now })
        .returning({ id: signInFailures.id })
        .get();
      return inserted.id;
    });
    return { allowed: true, failureIds };
  });
}

/** A correct password: the attempt was no failure, and the account's earlier failures are forgiven too. */
export function forgiveAttempt(db: Db, attempt: { failureIds: number[] }, email: string): void {
  db.transaction((tx) => {
    for (const id of attempt.failureIds) tx.delete(signInFailures).where(eq(signInFailures.id, id)).run();
    tx.delete(signInFailures)
      .where(and(eq(signInFailures.scope, "account"), eq(signInFailures.key, email)))
      .run();
  });
}

export function minutesUntil(time: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 60_000));
}
