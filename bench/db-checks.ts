import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { sessions } from "@/db/schema";

/** How many of these users hold a fully signed-in session: the server's own count of completed sign-ins. */
export async function countActiveSessionsOf(db: Db, userIds: number[]): Promise<number> {
  let count = 0;
  // In slices: SQLite limits the number of bound parameters.
  for (let start = 0; start < userIds.length; start += 500) {
    const slice = userIds.slice(start, start + 500);
    const [row] = await db
      .select({ count: sql<number>`count(*)` })
      .from(sessions)
      .where(and(inArray(sessions.userId, slice), eq(sessions.stage, "active")));
    // PostgreSQL's count is a bigint, which drivers hand over as a string.
    count += Number(row?.count ?? 0);
  }
  return count;
}
