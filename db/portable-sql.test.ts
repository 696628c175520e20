import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import { earlierBy, greaterOf, lesserOf } from "./portable-sql";

/* Each fragment runs on the database the suite runs on (SQLite, or PostgreSQL with UNIT_DATABASE=postgres). */
describe("portable SQL fragments", () => {
  it("earlierBy moves a timestamp back by exactly the milliseconds asked", async () => {
    const db = testDatabase();
    const signedIn = new Date("2026-03-01T12:00:00.500Z");
    const user = await insertUser(db, { lastSignInAt: signedIn });
    await db
      .update(users)
      .set({ lastSignInAt: earlierBy(users.lastSignInAt, 2 * 60 * 1000 + 250) })
      .where(eq(users.id, user.id));
    const [row] = await db.select({ at: users.lastSignInAt }).from(users).where(eq(users.id, user.id));
    expect(row!.at).toEqual(new Date("2026-03-01T11:58:00.250Z"));
  });

  it("greaterOf and lesserOf pick between a column and a number", async () => {
    const db = testDatabase();
    const user = await insertUser(db, { secondFactorConsecutiveFailures: 3 });
    const [row] = await db
      .select({
        greater: greaterOf(users.secondFactorConsecutiveFailures, 5),
        lesser: lesserOf(users.secondFactorConsecutiveFailures, 5),
      })
      .from(users)
      .where(eq(users.id, user.id));
    expect([Number(row!.greater), Number(row!.lesser)]).toEqual([5, 3]);
  });
});
