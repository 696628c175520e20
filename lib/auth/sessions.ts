import { changedRows, type Db, type Executor } from "@/db";
import { and, eq, gt, lte, ne, sql } from "drizzle-orm";
import { preparedQuery } from "@/db/prepared";
import { organisations, sessions, users, type SessionStage, type TwoFactorPolicy } from "@/db/schema";
import { hashToken, randomToken } from "@/lib/crypto";
import type { RequestContext } from "@/lib/request-context";
import { lesserOf, timestampValue } from "@/db/portable-sql";

/** A half-signed-in session must finish its second factor within this time. */
export const PASSWORD_STAGE_LIFETIME_MS = 10 * 60 * 1000;
/** Setting up an authenticator app (installing it, scanning) takes longer than typing a code. */
export const SETUP_STAGE_LIFETIME_MS = 30 * 60 * 1000;
/** Waiting for the emailed setup link, which is valid as long: mail can be slow. */
export const EMAIL_SETUP_STAGE_LIFETIME_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** last_seen_at is informational: writing it at most once a minute keeps reads from becoming writes. */
const LAST_SEEN_RESOLUTION_MS = 60 * 1000;
/** 32 random bytes: far beyond the 128 bits a session id needs. */
const SESSION_TOKEN_BYTES = 32;

export type SessionView = {
  tokenHash: string;
  stage: SessionStage;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  secondFactorFailures: number;
  /** The last time the user proved who they are here; null for sessions from before it was recorded. */
  authenticatedAt: Date | null;
};

export type SessionUser = {
  id: number;
  email: string;
  name: string;
  organisationId: number;
  passwordChangedAt: Date | null;
};

export type SessionOrganisation = {
  id: number;
  name: string;
  sessionDurationDays: number;
  sessionIdleMinutes: number;
  twoFactorPolicy: TwoFactorPolicy;
};

export type LoadedSession = { session: SessionView; user: SessionUser; organisation: SessionOrganisation };

function sessionLifetimeMs(stage: SessionStage, sessionDurationDays: number): number {
  if (stage === "password") return PASSWORD_STAGE_LIFETIME_MS;
  if (stage === "setup") return SETUP_STAGE_LIFETIME_MS;
  if (stage === "email_setup") return EMAIL_SETUP_STAGE_LIFETIME_MS;
  return sessionDurationDays * DAY_MS;
}

/**
 * Starts a session and returns the token for the cookie. Only its hash is
 * stored; the expiry is absolute, fixed now from the organisation's duration.
 */
export async function createSession(
  db: Executor,
  input: { userId: number; stage: SessionStage; context: RequestContext; now?: Date; authenticatedAt?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const now = input.now ?? new Date();
  const organisation = (
    await db
      .select({ sessionDurationDays: organisations.sessionDurationDays })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, input.userId))
  )[0];
  if (!organisation) throw new Error(`No user ${input.userId}`);
  const token = randomToken(SESSION_TOKEN_BYTES);
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs(input.stage, organisation.sessionDurationDays));
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: input.userId,
    stage: input.stage,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    ip: input.context.ip,
    userAgent: input.context.userAgent,
    // A full session starts at the moment its user finished proving who they are.
    authenticatedAt: input.stage === "active" ? (input.authenticatedAt ?? now) : null,
  });
  return { token, expiresAt };
}

// Every signed-in request runs this: prepared once (see preparedQuery).
const sessionByTokenHash = preparedQuery((db) =>
  db
    .select({
      session: {
        tokenHash: sessions.tokenHash,
        stage: sessions.stage,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        ip: sessions.ip,
        userAgent: sessions.userAgent,
        secondFactorFailures: sessions.secondFactorFailures,
        authenticatedAt: sessions.authenticatedAt,
      },
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        organisationId: users.organisationId,
        passwordChangedAt: users.passwordChangedAt,
        disabledAt: users.disabledAt,
        isApiAccount: users.isApiAccount,
      },
      organisation: {
        id: organisations.id,
        name: organisations.name,
        sessionDurationDays: organisations.sessionDurationDays,
        sessionIdleMinutes: organisations.sessionIdleMinutes,
        twoFactorPolicy: organisations.twoFactorPolicy,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(sessions.tokenHash, sql.placeholder("tokenHash")))
    .prepare(),
);

/**
 * Whether a session has gone unused for longer than its organisation allows.
 * Only full sessions idle out: a half-signed-in one has its own short expiry.
 * NIST SP 800-63B-4 §2.2.3 (AAL2 inactivity timeout), ASVS 5.0 V7.3.1.
 */
export function isIdle(session: Pick<SessionView, "stage" | "lastSeenAt">, idleMinutes: number, now: Date): boolean {
  return session.stage === "active" && now.getTime() - session.lastSeenAt.getTime() >= idleMinutes * 60_000;
}

/**
 * Resolves a cookie's token to its session, user and organisation, or null.
 * Expired and idle sessions, and sessions of users who may no longer use the
 * web UI (disabled, or API accounts), are deleted on sight.
 */
export async function loadSession(db: Db, token: string, now = new Date()): Promise<LoadedSession | null> {
  if (!token) return null;
  const tokenHash = hashToken(token);
  const [row] = await sessionByTokenHash(db).execute({ tokenHash });
  if (!row) return null;

  const { disabledAt, isApiAccount, ...user } = row.user;
  const idle = isIdle(row.session, row.organisation.sessionIdleMinutes, now);
  if (row.session.expiresAt <= now || idle || disabledAt || isApiAccount) {
    await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
    return null;
  }
  if (now.getTime() - row.session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.tokenHash, tokenHash));
    row.session.lastSeenAt = now;
  }
  return { session: row.session, user, organisation: row.organisation };
}

/**
 * Replaces a session with a new one in `stage`, under a new token: the id that
 * existed before the second factor is worthless after it (no session fixation).
 * Returns null if the old session is already gone.
 */
export async function rotateSession(
  db: Db,
  oldTokenHash: string,
  input: { stage: SessionStage; context: RequestContext; now?: Date; authenticatedAt?: Date },
): Promise<{ token: string; expiresAt: Date } | null> {
  return await db.transaction(async (tx) => {
    const old = (
      await tx.delete(sessions).where(eq(sessions.tokenHash, oldTokenHash)).returning({ userId: sessions.userId })
    )[0];
    return old ? await createSession(tx, { userId: old.userId, ...input }) : null;
  });
}

/**
 * Sends a signed-in session back to setup, when 2FA became required for a
 * user without a factor. Only an active session is demoted: of two requests
 * racing to demote it, one wins (true) and the other changes nothing (false).
 */
export async function demoteSessionToSetup(
  db: Db,
  tokenHash: string,
  stage: "setup" | "email_setup" = "setup",
  now = new Date(),
): Promise<boolean> {
  // A setup session lives no longer than one started at the password would:
  // the demoted session must not keep its 90 days while half signed in.
  const latest = new Date(now.getTime() + sessionLifetimeMs(stage, 0));
  return (
    changedRows(
      await db
        .update(sessions)
        .set({ stage, expiresAt: lesserOf(sessions.expiresAt, timestampValue(latest)) })
        .where(and(eq(sessions.tokenHash, tokenHash), eq(sessions.stage, "active"))),
    ) === 1
  );
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** Signs a user out everywhere, optionally keeping the session they act from. */
export async function deleteSessionsOfUser(
  db: Executor,
  userId: number,
  options: { exceptTokenHash?: string } = {},
): Promise<number> {
  const condition = options.exceptTokenHash
    ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, options.exceptTokenHash))
    : eq(sessions.userId, userId);
  return changedRows(await db.delete(sessions).where(condition));
}

/** Deletes one of a user's sessions by its hash; scoped to the user so nobody can end another's session. */
export async function deleteSessionOfUser(db: Executor, userId: number, tokenHash: string): Promise<boolean> {
  return (
    changedRows(await db.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.tokenHash, tokenHash)))) >
    0
  );
}

export async function deleteSessionsOfOrganisation(db: Executor, organisationId: number): Promise<number> {
  return changedRows(
    await db
      .delete(sessions)
      .where(
        sql`${sessions.userId} in (select ${users.id} from ${users} where ${users.organisationId} = ${organisationId})`,
      ),
  );
}

/** A user's live sessions, newest activity first, for "your sessions" on the profile. */
export async function listSessionsOfUser(db: Db, userId: number, now = new Date()): Promise<SessionView[]> {
  return await db
    .select({
      tokenHash: sessions.tokenHash,
      stage: sessions.stage,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
      secondFactorFailures: sessions.secondFactorFailures,
      authenticatedAt: sessions.authenticatedAt,
    })
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(sql`${sessions.lastSeenAt} desc`);
}

/** "Confirm access" succeeded: the session counts as freshly authenticated for the next few minutes. */
export async function markReauthenticated(db: Db, tokenHash: string, now = new Date()): Promise<void> {
  await db.update(sessions).set({ authenticatedAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

/** Expired rows are refused on sight anyway; this keeps the table small. */
export async function deleteExpiredSessions(db: Db, now = new Date()): Promise<number> {
  return changedRows(await db.delete(sessions).where(lte(sessions.expiresAt, now)));
}
