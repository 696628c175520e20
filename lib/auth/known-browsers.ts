import { changedRows, type Executor } from "@/db";
import { and, eq, gt, lt } from "drizzle-orm";
import { knownBrowsers, trustedBrowsers } from "@/db/schema";
import { hashToken, randomToken } from "@/lib/crypto";
import type { RequestContext } from "@/lib/request-context";

/**
 * Browsers that have completed a full sign-in to an account. One random
 * device token per browser (the `twofold.device` cookie) is kept, hashed, once
 * per account it signed in to. Being known is not a credential: it only lets
 * the browser past the account-wide slow-down (its own per-address limit still
 * applies) and keeps "New sign-in to Twofold" quiet.
 */
export const KNOWN_BROWSER_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Whether this browser has signed in to `userId` before: by its device
 * cookie, or by a "Remember this browser for 90 days" cookie still valid.
 * Both queries run whatever the tokens, so an unknown email (userId 0) costs
 * the same as a known one (OWASP ASVS 5.0 V6.3.8).
 */
export async function isKnownBrowser(
  db: Executor,
  input: { userId: number; deviceToken: string | null | undefined; trustedToken: string | null | undefined },
  now = new Date(),
): Promise<boolean> {
  const byDevice = (
    await db
      .select({ id: knownBrowsers.id })
      .from(knownBrowsers)
      .where(
        and(
          eq(knownBrowsers.userId, input.userId),
          eq(knownBrowsers.tokenHash, hashToken(input.deviceToken ?? "")),
          gt(knownBrowsers.lastSeenAt, new Date(now.getTime() - KNOWN_BROWSER_LIFETIME_MS)),
        ),
      )
  )[0];
  const byRemembered = (
    await db
      .select({ id: trustedBrowsers.id })
      .from(trustedBrowsers)
      .where(
        and(
          eq(trustedBrowsers.userId, input.userId),
          eq(trustedBrowsers.tokenHash, hashToken(input.trustedToken ?? "")),
          gt(trustedBrowsers.expiresAt, now),
        ),
      )
  )[0];
  return Boolean(input.deviceToken && byDevice) || Boolean(input.trustedToken && byRemembered);
}

export type RecordedBrowser = {
  /** The device token for the cookie: the browser's own, or a new one. */
  token: string;
  /** This browser had not signed in to this account before. */
  isNew: boolean;
  /** The account had signed in from another browser before: a new one is worth telling the owner about. */
  accountHadOthers: boolean;
};

/**
 * A full sign-in completed: remembers this browser for the account (or
 * refreshes its last-seen time). A browser that already carries a device
 * token keeps it, so one browser is one token across accounts.
 */
export async function recordKnownBrowser(
  db: Executor,
  input: { userId: number; token: string | null | undefined; context: RequestContext; now?: Date },
): Promise<RecordedBrowser> {
  const now = input.now ?? new Date();
  const lifetimeStart = new Date(now.getTime() - KNOWN_BROWSER_LIFETIME_MS);
  await db
    .delete(knownBrowsers)
    .where(and(eq(knownBrowsers.userId, input.userId), lt(knownBrowsers.lastSeenAt, lifetimeStart)));
  const token = input.token && input.token.length <= 128 ? input.token : randomToken(32);
  const seen = await db
    .update(knownBrowsers)
    .set({ lastSeenAt: now, ip: input.context.ip, userAgent: input.context.userAgent })
    .where(and(eq(knownBrowsers.userId, input.userId), eq(knownBrowsers.tokenHash, hashToken(token))));
  if (changedRows(seen) > 0) return { token, isNew: false, accountHadOthers: true };
  const accountHadOthers = Boolean(
    (
      await db
        .select({ id: knownBrowsers.id })
        .from(knownBrowsers)
        .where(eq(knownBrowsers.userId, input.userId))
        .limit(1)
    )[0],
  );
  await db
    .insert(knownBrowsers)
    .values({
      userId: input.userId,
      tokenHash: hashToken(token),
      userAgent: input.context.userAgent,
      ip: input.context.ip,
      createdAt: now,
      lastSeenAt: now,
    })
    .onConflictDoNothing();
  return { token, isNew: true, accountHadOthers };
}
