import { and, desc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { queryRows, type Db, type Executor } from "@/db";
import { recoveryRequests, users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { attemptLockNames, reserveAttemptIn, type LimitKey } from "@/lib/auth/attempt-limiter";
import { KeysBusyError, transactionOnKeys } from "@/db/keyed-transaction";
import type { RequestContext } from "@/lib/request-context";
import { timestampValue } from "@/db/portable-sql";

/*
 * "I can't use any of my methods": a user who passed the password step asks
 * the organisation's administrators for help. A request grants nothing by
 * itself: an administrator checks the person by their own means and then
 * resets two-factor authentication (or dismisses the request). The password
 * alone never replaces a lost factor: OWASP ASVS 5.0 V6.4.4 wants the person
 * proofed again first, here by an administrator who knows them (NIST SP
 * 800-63B-4 §4.2, account recovery).
 *
 * States: 'pending' until resolved (by a reset) or dismissed. A pending
 * request whose expiresAt has passed is expired: it is no longer listed, and
 * the first time it is noticed its closedAt is set (closedByUserId stays
 * null) and `recovery_request.expired` recorded, once.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A request waits a week for an administrator: long enough for a weekend, short enough that a stale one does not linger. */
export const RECOVERY_REQUEST_LIFETIME_MS = 7 * DAY_MS;

/**
 * Three requests a day per account: someone who knows the password but not
 * the factor cannot flood the administrators' mailboxes (OWASP ASVS 5.0
 * V2.4.1, anti-automation). A request that is already pending costs nothing.
 */
export const RECOVERY_REQUESTS_PER_DAY = 3;

export function recoveryRequestLimitKey(userId: number): LimitKey {
  return { scope: "recovery_request", key: `user:${userId}`, limit: RECOVERY_REQUESTS_PER_DAY, windowMs: DAY_MS };
}

export type RecoveryRequest = {
  id: number;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
};

export type PendingRecoveryRequest = RecoveryRequest & { name: string; email: string };

const requestColumns = {
  id: recoveryRequests.id,
  userId: recoveryRequests.userId,
  createdAt: recoveryRequests.createdAt,
  expiresAt: recoveryRequests.expiresAt,
  ip: recoveryRequests.ip,
  userAgent: recoveryRequests.userAgent,
};

/** Pending and not yet expired at `now`. */
function isLive(now: Date) {
  return and(eq(recoveryRequests.state, "pending"), gt(recoveryRequests.expiresAt, now));
}

/** The user's pending, unexpired request, if any (there is at most one). */
export async function pendingRequestOfUser(
  db: Executor,
  organisationId: number,
  userId: number,
  now = new Date(),
): Promise<RecoveryRequest | null> {
  return (
    (
      await db
        .select(requestColumns)
        .from(recoveryRequests)
        .where(
          and(eq(recoveryRequests.organisationId, organisationId), eq(recoveryRequests.userId, userId), isLive(now)),
        )
        .orderBy(desc(recoveryRequests.createdAt))
    )[0] ?? null
  );
}

/** The organisation's pending, unexpired requests, oldest first: the one waiting longest is dealt with first. */
export async function pendingRecoveryRequests(
  db: Executor,
  organisationId: number,
  now = new Date(),
  limit = 100,
): Promise<PendingRecoveryRequest[]> {
  return await db
    .select({ ...requestColumns, name: users.name, email: users.email })
    .from(recoveryRequests)
    .innerJoin(users, and(eq(users.id, recoveryRequests.userId), eq(users.organisationId, organisationId)))
    .where(and(eq(recoveryRequests.organisationId, organisationId), isLive(now)))
    .orderBy(recoveryRequests.createdAt, recoveryRequests.id)
    .limit(limit);
}

/**
 * Marks the organisation's pending requests that expired before `now` as
 * noticed and records `recovery_request.expired` for each, once: the
 * conditional update only matches a request whose expiry nobody noticed yet,
 * so two sweeps at once record it once between them. Returns how many.
 */
export async function noticeExpiredRequests(db: Executor, organisationId: number, now = new Date()): Promise<number> {
  const expired = await db
    .update(recoveryRequests)
    .set({ closedAt: now })
    .where(
      and(
        eq(recoveryRequests.organisationId, organisationId),
        eq(recoveryRequests.state, "pending"),
        lte(recoveryRequests.expiresAt, now),
        isNull(recoveryRequests.closedAt),
      ),
    )
    .returning({ id: recoveryRequests.id, userId: recoveryRequests.userId, createdAt: recoveryRequests.createdAt });
  for (const request of expired) {
    await recordAuditEvent(db, {
      type: "recovery_request.expired",
      organisationId,
      targetUserId: request.userId,
      details: { requestId: request.id, requestedAt: request.createdAt.toISOString() },
      at: now,
    });
  }
  return expired.length;
}

/**
 * Inserts a pending request unless the user already has one, in one
 * statement; null when one was already pending. On SQLite, where writers take
 * turns, that alone leaves one pending row however requests race. On
 * PostgreSQL at READ COMMITTED two racing inserts could both pass the check,
 * so callers hold the user's turn first (openRecoveryRequest).
 */
export async function insertPendingRequest(
  db: Executor,
  input: { organisationId: number; userId: number; context: RequestContext },
  now = new Date(),
): Promise<RecoveryRequest | null> {
  const expiresAt = new Date(now.getTime() + RECOVERY_REQUEST_LIFETIME_MS);
  const [inserted] = await queryRows<{ id: number }>(
    db,
    sql`
    insert into "recovery_requests" ("organisation_id", "user_id", "state", "ip", "user_agent", "created_at", "expires_at")
    select ${input.organisationId}, ${input.userId}, 'pending', ${input.context.ip}, ${input.context.userAgent}, ${timestampValue(now)}, ${timestampValue(expiresAt)}
    where not exists (
      select 1 from "recovery_requests"
      where "user_id" = ${input.userId} and "state" = 'pending' and "expires_at" > ${timestampValue(now)}
    )
    returning "id"
  `,
  );
  if (!inserted) return null;
  return {
    id: inserted.id,
    userId: input.userId,
    createdAt: now,
    expiresAt,
    ip: input.context.ip,
    userAgent: input.context.userAgent,
  };
}

export type OpenedRecoveryRequest =
  | { outcome: "created"; request: RecoveryRequest }
  | { outcome: "already_pending"; request: RecoveryRequest }
  | { outcome: "limited"; retryAt: Date }
  /** Another press for this user held the turn past the lock timeout (PostgreSQL): nothing was decided. */
  | { outcome: "busy" };

/**
 * "I can't use any of my methods" for `userId`: a new pending request,
 * audited as `recovery_request.created`; the one already pending; or a
 * refusal past the daily limit. Sending the emails is the caller's job, and
 * only for "created", so a second press emails nobody.
 */
export async function openRecoveryRequest(
  db: Db,
  input: { organisationId: number; userId: number; context: RequestContext },
  now = new Date(),
): Promise<OpenedRecoveryRequest> {
  // Expired requests of the organisation are noticed (and audited once) first, on their own.
  await db.transaction((tx) => noticeExpiredRequests(tx, input.organisationId, now), { behavior: "immediate" });

  // The pending check, the daily count and the insert take the user's turn together (the lock of
  // the user's daily limit): a press waiting behind another sees its request, never a limit
  // reached by presses still in flight.
  const limit = [recoveryRequestLimitKey(input.userId)];
  try {
    return await transactionOnKeys(db, attemptLockNames(limit), async (tx): Promise<OpenedRecoveryRequest> => {
      const pending = await pendingRequestOfUser(tx, input.organisationId, input.userId, now);
      if (pending) return { outcome: "already_pending", request: pending };
      const attempt = await reserveAttemptIn(tx, limit, now);
      if (!attempt.allowed) return { outcome: "limited", retryAt: attempt.retryAt };
      const request = await insertPendingRequest(tx, input, now);
      if (!request) throw new Error("a pending recovery request appeared while this user's turn was held");
      await recordAuditEvent(tx, {
        type: "recovery_request.created",
        organisationId: input.organisationId,
        actorUserId: input.userId,
        targetUserId: input.userId,
        context: input.context,
        details: { requestId: request.id, expiresAt: request.expiresAt.toISOString() },
        at: now,
      });
      return { outcome: "created", request };
    });
  } catch (error) {
    if (!(error instanceof KeysBusyError)) throw error;
    // Presses ahead held the turn past the lock timeout; the one in front may be making the request now.
    return { outcome: "busy" };
  }
}

/**
 * Dismisses one pending request of `userId` in the organisation: null when
 * there is no such request (another organisation's, someone else's, already
 * closed or expired), so a forged id changes nothing.
 */
export async function dismissPendingRequest(
  db: Executor,
  input: { organisationId: number; userId: number; requestId: number; closedByUserId: number },
  now = new Date(),
): Promise<RecoveryRequest | null> {
  return (
    (
      await db
        .update(recoveryRequests)
        .set({ state: "dismissed", closedAt: now, closedByUserId: input.closedByUserId })
        .where(
          and(
            eq(recoveryRequests.id, input.requestId),
            eq(recoveryRequests.organisationId, input.organisationId),
            eq(recoveryRequests.userId, input.userId),
            isLive(now),
          ),
        )
        .returning(requestColumns)
    )[0] ?? null
  );
}

/** Marks every pending request of `userId` resolved (a reset of their 2FA answered it); returns them. */
export async function resolvePendingRequests(
  db: Executor,
  input: { organisationId: number; userId: number; closedByUserId: number },
  now = new Date(),
): Promise<RecoveryRequest[]> {
  return await db
    .update(recoveryRequests)
    .set({ state: "resolved", closedAt: now, closedByUserId: input.closedByUserId })
    .where(
      and(
        eq(recoveryRequests.organisationId, input.organisationId),
        eq(recoveryRequests.userId, input.userId),
        isLive(now),
      ),
    )
    .returning(requestColumns);
}
