import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { users } from "@/db/schema";
import { canonicalTimeZone } from "@/lib/format";

/**
 * The zone an email's times are written in for this recipient: the one their
 * browser told at their last completed sign-in (lib/auth/sign-in-completed.ts),
 * else UTC. formatDateTime names the zone either way, so no time is ambiguous.
 */
export function recipientTimeZone(db: Executor, userId: number): string {
  const stored = db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).get()?.timeZone;
  return canonicalTimeZone(stored) ?? "UTC";
}
