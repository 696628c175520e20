import { changedRows, type Db, type Executor } from "@/db";
import { and, desc, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { emailLinks, type EmailLinkPurpose } from "@/db/schema";
import { hashToken, randomToken } from "@/lib/crypto";
import { KeysBusyError, transactionOnKeys } from "@/db/keyed-transaction";

/*
 * Single-use links sent by email (invitations, setup links): a random token
 * in the link, only its SHA-256 in `email_links`, looked up by that hash and
 * spent once by a conditional update, so two requests racing with the same
 * link cannot both use it.
 */

export type EmailLink = typeof emailLinks.$inferSelect;

/** 32 random bytes, like a session token: far beyond guessing. */
const LINK_TOKEN_BYTES = 32;
/** No real token is longer; anything longer is not worth hashing. */
export const EMAIL_LINK_TOKEN_MAX_LENGTH = 128;

/** How often one user may be sent a link for one purpose. */
export type EmailLinkSendLimits = {
  cooldownMs: number;
  perWindow: number;
  windowMs: number;
  /** Count only links an administrator sent, so that strangers asking at /login/forgot cannot use up an administrator's sends. */
  sentByAdministrators?: boolean;
  /**
   * Count only links still unused and not withdrawn: a replay window (bulk
   * "Send setup links"), which a link already used, or withdrawn because its
   * email failed, does not hold the next one back for.
   */
  liveOnly?: boolean;
};

export type EmailLinkRefusal = { ok: false; reason: "cooldown" | "too_many"; retryAt: Date };
export type CreatedEmailLink = { ok: true; token: string; link: EmailLink };

/**
 * Creates a link for `userId` and returns its token (for the email; never
 * stored). With `limits`, refuses when the user was sent a link for this
 * purpose too recently or too often: every row is one send, and rows are
 * kept after use or revocation, so they count. With `revokeEarlier`, the
 * user's earlier unused links for the purpose stop working (only one live
 * link at a time).
 */
export async function createEmailLink(
  db: Db,
  input: NewEmailLink & { limits?: EmailLinkSendLimits },
): Promise<CreatedEmailLink | EmailLinkRefusal> {
  const now = input.now ?? new Date();
  // With several requests or server processes, the limit check and the insert must not interleave: one
  // transaction at a time per user and purpose, on both databases (ASVS 5.0 V2.3.2, limits under concurrency).
  try {
    return await transactionOnKeys(
      db,
      [`email_link:${input.purpose}:${input.userId}`],
      async (tx): Promise<CreatedEmailLink | EmailLinkRefusal> => {
        if (input.limits) {
          const refusal = await sendLimitRefusal(tx, input.userId, input.purpose, input.limits, now);
          if (refusal) return refusal;
        }
        return await insertEmailLink(tx, { ...input, now });
      },
    );
  } catch (error) {
    // Another link for the same person and purpose held the lock past lock_timeout (PostgreSQL): a send
    // is already under way, so this one waits its turn as a cooldown, never a 500.
    if (error instanceof KeysBusyError)
      return { ok: false, reason: "cooldown", retryAt: new Date(now.getTime() + BUSY_RETRY_MS) };
    throw error;
  }
}

/** How long a send that found another under way for the same person is asked to wait. */
const BUSY_RETRY_MS = 10 * 1000;

type NewEmailLink = {
  organisationId: number;
  userId: number;
  purpose: EmailLinkPurpose;
  lifetimeMs: number;
  sessionTokenHash?: string | null;
  createdByUserId?: number | null;
  revokeEarlier?: boolean;
  now?: Date;
};

/** The insert behind createEmailLink, for callers already inside a transaction (an invitation creates its user too). */
export async function insertEmailLink(tx: Executor, input: NewEmailLink): Promise<CreatedEmailLink> {
  const now = input.now ?? new Date();
  // A link bound to a session replaces only that session's earlier ones: another
  // sign-in (perhaps someone who knows the password) must not cancel this one's.
  if (input.revokeEarlier) {
    const sessionScope = input.sessionTokenHash ? { sessionTokenHash: input.sessionTokenHash } : {};
    await revokeEmailLinks(tx, { userId: input.userId, purpose: input.purpose, ...sessionScope }, now);
  }
  const token = randomToken(LINK_TOKEN_BYTES);
  const link = (
    await tx
      .insert(emailLinks)
      .values({
        organisationId: input.organisationId,
        userId: input.userId,
        purpose: input.purpose,
        tokenHash: hashToken(token),
        sessionTokenHash: input.sessionTokenHash ?? null,
        createdByUserId: input.createdByUserId ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + input.lifetimeMs),
      })
      .returning()
  )[0]!;
  return { ok: true, token, link };
}

async function sendLimitRefusal(
  tx: Executor,
  userId: number,
  purpose: EmailLinkPurpose,
  limits: EmailLinkSendLimits,
  now: Date,
): Promise<EmailLinkRefusal | null> {
  const recent = await tx
    .select({ createdAt: emailLinks.createdAt })
    .from(emailLinks)
    .where(
      and(
        eq(emailLinks.userId, userId),
        eq(emailLinks.purpose, purpose),
        gt(emailLinks.createdAt, new Date(now.getTime() - limits.windowMs)),
        ...(limits.sentByAdministrators ? [isNotNull(emailLinks.createdByUserId)] : []),
        ...(limits.liveOnly ? [isNull(emailLinks.usedAt), isNull(emailLinks.revokedAt)] : []),
      ),
    )
    .orderBy(desc(emailLinks.createdAt))
    .limit(limits.perWindow);
  const latest = recent[0];
  if (latest && now.getTime() - latest.createdAt.getTime() < limits.cooldownMs) {
    return { ok: false, reason: "cooldown", retryAt: new Date(latest.createdAt.getTime() + limits.cooldownMs) };
  }
  const oldestCounted = recent[limits.perWindow - 1];
  if (oldestCounted)
    return { ok: false, reason: "too_many", retryAt: new Date(oldestCounted.createdAt.getTime() + limits.windowMs) };
  return null;
}

export type EmailLinkState = "live" | "used" | "expired" | "revoked";
export type EmailLinkLookup = { state: EmailLinkState; link: EmailLink } | { state: "unknown" };

function stateOf(link: EmailLink, now: Date): EmailLinkState {
  if (link.usedAt) return "used";
  if (link.revokedAt) return "revoked";
  if (link.expiresAt <= now) return "expired";
  return "live";
}

/**
 * The link a token names, for `purpose`, and whether it can still be used:
 * pages say why a link does not work. A token for another purpose is unknown.
 */
export async function lookUpEmailLink(
  db: Executor,
  purpose: EmailLinkPurpose,
  token: string,
  now = new Date(),
): Promise<EmailLinkLookup> {
  if (!token || token.length > EMAIL_LINK_TOKEN_MAX_LENGTH) return { state: "unknown" };
  const link = await linkByTokenHash(db, purpose, hashToken(token));
  return link ? { state: stateOf(link, now), link } : { state: "unknown" };
}

async function linkByTokenHash(
  db: Executor,
  purpose: EmailLinkPurpose,
  tokenHash: string,
): Promise<EmailLink | undefined> {
  return (
    await db
      .select()
      .from(emailLinks)
      .where(and(eq(emailLinks.tokenHash, tokenHash), eq(emailLinks.purpose, purpose)))
  )[0];
}

/** The link a token names, only if it is unused, unrevoked and unexpired. */
export async function findLiveEmailLink(
  db: Executor,
  purpose: EmailLinkPurpose,
  token: string,
  now = new Date(),
): Promise<EmailLink | null> {
  const found = await lookUpEmailLink(db, purpose, token, now);
  return found.state === "live" ? found.link : null;
}

/**
 * Spends a link. Only the request whose update changed the row wins: a used,
 * revoked or expired link (checked again here, not trusted from an earlier
 * read) is refused. Run it in the same transaction as what the link grants.
 */
export async function consumeEmailLink(db: Executor, linkId: number, now = new Date()): Promise<boolean> {
  return (
    changedRows(
      await db
        .update(emailLinks)
        .set({ usedAt: now })
        .where(
          and(
            eq(emailLinks.id, linkId),
            isNull(emailLinks.usedAt),
            isNull(emailLinks.revokedAt),
            gt(emailLinks.expiresAt, now),
          ),
        ),
    ) === 1
  );
}

/** Withdraws a user's unused links for `purpose` (all of them, or one session's). Returns how many. */
export async function revokeEmailLinks(
  db: Executor,
  scope: { userId: number; purpose: EmailLinkPurpose; sessionTokenHash?: string },
  now = new Date(),
): Promise<number> {
  return changedRows(
    await db
      .update(emailLinks)
      .set({ revokedAt: now })
      .where(
        and(
          eq(emailLinks.userId, scope.userId),
          eq(emailLinks.purpose, scope.purpose),
          isNull(emailLinks.usedAt),
          isNull(emailLinks.revokedAt),
          ...(scope.sessionTokenHash ? [eq(emailLinks.sessionTokenHash, scope.sessionTokenHash)] : []),
        ),
      ),
  );
}

/** The newest link a session was sent for `purpose` that it could still use, if any. */
export async function liveEmailLinkOfSession(
  db: Db,
  input: { userId: number; purpose: EmailLinkPurpose; sessionTokenHash: string },
  now = new Date(),
): Promise<EmailLink | null> {
  return (
    (
      await db
        .select()
        .from(emailLinks)
        .where(
          and(
            eq(emailLinks.userId, input.userId),
            eq(emailLinks.purpose, input.purpose),
            eq(emailLinks.sessionTokenHash, input.sessionTokenHash),
            isNull(emailLinks.usedAt),
            isNull(emailLinks.revokedAt),
            gt(emailLinks.expiresAt, now),
          ),
        )
        .orderBy(desc(emailLinks.id))
        .limit(1)
    )[0] ?? null
  );
}
