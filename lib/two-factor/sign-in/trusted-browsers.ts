import { changedRows, type Executor } from "@/db";
import { and, desc, eq, gt, inArray } from "drizzle-orm";
import { trustedBrowsers, users } from "@/db/schema";
import { hashToken, randomToken } from "@/lib/crypto";
import type { RequestContext } from "@/lib/request-context";

export const TRUSTED_BROWSER_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** Remembers this browser for one user: returns the token for its cookie, of which only the hash is kept. */
export async function rememberBrowser(
  db: Executor,
  input: { userId: number; context: RequestContext; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const now = input.now ?? new Date();
  const token = randomToken(32);
  const expiresAt = new Date(now.getTime() + TRUSTED_BROWSER_LIFETIME_MS);
  await db.insert(trustedBrowsers).values({
    userId: input.userId,
    tokenHash: hashToken(token),
    userAgent: input.context.userAgent,
    ip: input.context.ip,
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

/**
 * Whether `token` remembers this browser for `userId`. The server enforces
 * the expiry, and a token is worth nothing to any other user.
 */
export async function isTrustedBrowser(
  db: Executor,
  userId: number,
  token: string | null | undefined,
  now = new Date(),
): Promise<boolean> {
  if (!token) return false;
  const used = await db
    .update(trustedBrowsers)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(trustedBrowsers.tokenHash, hashToken(token)),
        eq(trustedBrowsers.userId, userId),
        gt(trustedBrowsers.expiresAt, now),
      ),
    );
  return changedRows(used) === 1;
}

export async function listTrustedBrowsers(db: Executor, userId: number, now = new Date()) {
  return await db
    .select({
      id: trustedBrowsers.id,
      userAgent: trustedBrowsers.userAgent,
      ip: trustedBrowsers.ip,
      createdAt: trustedBrowsers.createdAt,
      lastUsedAt: trustedBrowsers.lastUsedAt,
      expiresAt: trustedBrowsers.expiresAt,
    })
    .from(trustedBrowsers)
    .where(and(eq(trustedBrowsers.userId, userId), gt(trustedBrowsers.expiresAt, now)))
    .orderBy(desc(trustedBrowsers.createdAt));
}

/** Forgets one remembered browser; scoped to the user so no one can forget another's. */
export async function forgetTrustedBrowser(db: Executor, userId: number, id: number): Promise<boolean> {
  return (
    changedRows(
      await db.delete(trustedBrowsers).where(and(eq(trustedBrowsers.userId, userId), eq(trustedBrowsers.id, id))),
    ) > 0
  );
}

/** Every remembered browser of a user stops working: on reset, disable, password change, sign-out everywhere. */
export async function forgetTrustedBrowsersOfUser(db: Executor, userId: number): Promise<number> {
  return changedRows(await db.delete(trustedBrowsers).where(eq(trustedBrowsers.userId, userId)));
}

export async function forgetTrustedBrowsersOfOrganisation(db: Executor, organisationId: number): Promise<number> {
  return changedRows(
    await db
      .delete(trustedBrowsers)
      .where(
        inArray(
          trustedBrowsers.userId,
          db.select({ id: users.id }).from(users).where(eq(users.organisationId, organisationId)),
        ),
      ),
  );
}
