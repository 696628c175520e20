import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { preparedQuery } from "@/db/prepared";
import { apiTokens, organisations, users } from "@/db/schema";
import { hashToken, randomToken } from "@/lib/crypto";

/** Recognisable in logs, config files and secret scanners as a Twofold key. */
export const API_TOKEN_PREFIX = "tfk_";
/** 32 random bytes, base64url: 43 characters after the prefix. */
const API_TOKEN_BYTES = 32;
/** The prefix and 4 random characters: enough to tell tokens apart, far too few to guess the rest. */
const HINT_LENGTH = API_TOKEN_PREFIX.length + 4;
export const API_TOKEN_NAME_MAX_LENGTH = 100;
/** last_used_at is informational: writing it at most once a minute keeps API reads from becoming writes. */
const LAST_USED_RESOLUTION_MS = 60 * 1000;

/** A token that looks like ours; anything else is refused before touching the database. */
const TOKEN_SHAPE = new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);

export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomToken(API_TOKEN_BYTES)}`;
}

export class NotAnApiAccountError extends Error {
  constructor() {
    super("Tokens can be created only for API accounts.");
  }
}

/**
 * Creates a token for an API account and returns it: the only time it exists
 * in clear. Only its SHA-256 and a short hint are stored.
 */
export async function createApiToken(
  db: Db,
  input: {
    userId: number;
    name: string;
    createdByUserId: number | null;
    /** From then on the token opens nothing; null or absent: until revoked. */
    expiresAt?: Date | null;
    now?: Date;
  },
): Promise<{ token: string; id: number; hint: string }> {
  const owner = (
    await db.select({ isApiAccount: users.isApiAccount }).from(users).where(eq(users.id, input.userId))
  )[0];
  if (!owner?.isApiAccount) throw new NotAnApiAccountError();
  const token = generateApiToken();
  const hint = token.slice(0, HINT_LENGTH);
  const row = (
    await db
      .insert(apiTokens)
      .values({
        userId: input.userId,
        name: input.name,
        tokenHash: hashToken(token),
        hint,
        createdByUserId: input.createdByUserId,
        expiresAt: input.expiresAt ?? null,
        ...(input.now ? { createdAt: input.now } : {}),
      })
      .returning({ id: apiTokens.id })
  )[0]!;
  return { token, id: row.id, hint };
}

export type ApiTokenListItem = {
  id: number;
  name: string;
  hint: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

/** A user's tokens, newest first, revoked ones included (the page marks them). Never the hash. */
export async function listApiTokens(db: Db, userId: number): Promise<ApiTokenListItem[]> {
  return await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      hint: apiTokens.hint,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/** Revokes one of `userId`'s tokens; returns its name, or null when there is no such active token. */
export async function revokeApiToken(
  db: Db,
  input: { userId: number; tokenId: number; now?: Date },
): Promise<{ name: string } | null> {
  return (
    (
      await db
        .update(apiTokens)
        .set({ revokedAt: input.now ?? new Date() })
        .where(and(eq(apiTokens.id, input.tokenId), eq(apiTokens.userId, input.userId), isNull(apiTokens.revokedAt)))
        .returning({ name: apiTokens.name })
    )[0] ?? null
  );
}

export type ApiCaller = {
  tokenId: number;
  user: { id: number; email: string; name: string; organisationId: number };
  organisation: { id: number; name: string };
};

// Every API request runs this: prepared once (see preparedQuery).
const tokenByHash = preparedQuery((db) =>
  db
    .select({
      tokenId: apiTokens.id,
      revokedAt: apiTokens.revokedAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      user: { id: users.id, email: users.email, name: users.name, organisationId: users.organisationId },
      disabledAt: users.disabledAt,
      isApiAccount: users.isApiAccount,
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(apiTokens.tokenHash, sql.placeholder("tokenHash")))
    .prepare(),
);

/**
 * The API account a presented token belongs to, or null. The token is found
 * by its SHA-256: comparing hashes of a 256-bit random token through an index
 * leaks nothing useful by timing, unlike comparing the tokens themselves.
 * Revoked or expired tokens, and tokens of accounts that are disabled or are
 * no longer API accounts, open nothing.
 */
export async function authenticateApiToken(db: Db, token: string, now = new Date()): Promise<ApiCaller | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await tokenByHash(db).execute({ tokenHash: hashToken(token) });
  if (!row || row.revokedAt || row.disabledAt || !row.isApiAccount) return null;
  if (isExpired(row.expiresAt, now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.tokenId));
  }
  return { tokenId: row.tokenId, user: row.user, organisation: row.organisation };
}

/** A token expires at the instant named, not a moment after: the same rule for the API and the list. */
export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}
