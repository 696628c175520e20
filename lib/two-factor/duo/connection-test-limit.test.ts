import { describe, expect, it } from "vitest";
import { organisations } from "@/db/schema";
import { beginConnectionTest, CONNECTION_TEST_WINDOW_MS } from "@/lib/two-factor/duo/connection-test-limit";
import { testDatabase } from "@/test/db";

describe("the Duo connection test limit", () => {
  const start = new Date("2026-03-01T10:00:00Z");
  const at = (ms: number) => new Date(start.getTime() + ms);

  it("allows ten presses in ten minutes per organisation, then says when the next one is allowed", async () => {
    const db = testDatabase();
    const organisation = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    for (let press = 0; press < 10; press++)
      expect(await beginConnectionTest(db, organisation, at(press * 1000))).toEqual({ allowed: true });
    // The eleventh waits until the first press leaves the ten-minute window.
    expect(await beginConnectionTest(db, organisation, at(30_000))).toEqual({
      allowed: false,
      retryAt: at(10 * 60_000),
    });
    // A refused press is not counted: the wait does not grow by pressing on.
    expect(await beginConnectionTest(db, organisation, at(60_000))).toEqual({
      allowed: false,
      retryAt: at(10 * 60_000),
    });
    expect(await beginConnectionTest(db, organisation, at(CONNECTION_TEST_WINDOW_MS))).toEqual({ allowed: true });
  });

  it("one organisation's presses do not hold back another's", async () => {
    const db = testDatabase();
    const [first, second] = await Promise.all(
      ["A", "B"].map(async (name) => (await db.insert(organisations).values({ name }).returning())[0]!.id),
    );
    for (let press = 0; press < 10; press++) await beginConnectionTest(db, first!, start);
    expect((await beginConnectionTest(db, first!, start)).allowed).toBe(false);
    expect(await beginConnectionTest(db, second!, start)).toEqual({ allowed: true });
  });

  it("a burst of presses at the same moment cannot exceed the budget", async () => {
    const db = testDatabase();
    const organisation = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    const results = await Promise.all(Array.from({ length: 25 }, () => beginConnectionTest(db, organisation, start)));
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });
});
