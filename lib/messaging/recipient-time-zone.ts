import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { users } from "@/db/schema";
import { canonicalTimeZone } from "@/lib/format";

/**
 * The zone an email's times are written in for this recipient: the one their
 * browser told at their last completed sign-in (lib/auth/sign-in-completed.ts),
 * else UTC. formatDateTime names the zone either way, so no time is ambiguous.
 */
export async function recipientTimeZone(db: Executor, userId: number): Promise<string> {
  const stored = (await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)))[0]?.timeZone;
  return canonicalTimeZone(stored) ?? "UTC";
}
