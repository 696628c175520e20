import { lte, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { apiRateLimits } from "@/db/schema";

/**
 * The API's request limit per token, a fixed window counted in the database
 * (`api_rate_limits`), so every server process and every machine shares one
 * count: a client cannot multiply its allowance by the number of instances
 * behind the load balancer (OWASP ASVS 5.0 2.4.1, anti-automation controls).
 *
 * One statement per request decides, with no read before it: an upsert whose
 * update restarts an ended window or adds one to the count, returning the
 * result. Both SQLite (one writer at a time) and PostgreSQL (the conflicting
 * row is locked and the update sees its latest version) apply it atomically,
 * so two processes can never both take the last request of a window.
 *
 * The count stops at `limit + 1`: refused requests cannot grow it without
 * bound, and "count ≤ limit" still tells an allowed request from a refused one.
 * One row per token, deleted with it (foreign key cascade).
 */
export const API_RATE_LIMIT_WINDOW_MS = 60_000;

export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again (1 to the window's length). */
  resetSeconds: number;
};

/** Counts one request by `tokenId` at `now` and says whether it may go ahead. */
export async function hitApiRateLimit(
  db: Db,
  tokenId: number,
  limit: number,
  now = new Date(),
): Promise<RateLimitDecision> {
  const windowEnded = lte(apiRateLimits.windowStartedAt, new Date(now.getTime() - API_RATE_LIMIT_WINDOW_MS));
  const count = apiRateLimits.count;
  const rows = await db
    .insert(apiRateLimits)
    .values({ tokenId, windowStartedAt: now, count: 1 })
    .onConflictDoUpdate({
      target: apiRateLimits.tokenId,
      set: {
        count: sql`case when ${windowEnded} then 1 when ${count} <= ${limit} then ${count} + 1 else ${count} end`,
        windowStartedAt: sql`case when ${windowEnded} then excluded.${sql.identifier(apiRateLimits.windowStartedAt.name)} else ${apiRateLimits.windowStartedAt} end`,
      },
    })
    .returning({ count: apiRateLimits.count, windowStartedAt: apiRateLimits.windowStartedAt });
  const row = rows[0]!;
  // Another instance's clock may run a little ahead: never promise more than one window.
  const untilReset = row.windowStartedAt.getTime() + API_RATE_LIMIT_WINDOW_MS - now.getTime();
  return {
    allowed: row.count <= limit,
    limit,
    remaining: Math.max(0, limit - row.count),
    resetSeconds: Math.min(API_RATE_LIMIT_WINDOW_MS / 1000, Math.max(1, Math.ceil(untilReset / 1000))),
  };
}
