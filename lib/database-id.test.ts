import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { configuredDialect } from "@/db/dialect";
import { users } from "@/db/schema";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { databaseId, isDatabaseId, MAX_DATABASE_ID } from "@/lib/database-id";
import { testDatabase } from "@/test/db";

describe("an id from the client", () => {
  it.each([
    ["1", 1],
    ["2147483647", 2147483647],
    [" 42", 42],
    ["2147483648", null],
    ["9007199254740993", null],
    ["0", null],
    ["-3", null],
    ["1.5", null],
    ["abc", null],
    ["", null],
  ])("%j is %j", (raw, expected) => {
    const parsed = databaseId().safeParse(raw);
    expect(parsed.success ? parsed.data : null).toBe(expected);
    if (expected !== null) expect(isDatabaseId(expected)).toBe(true);
  });

  it("says what the caller asks it to say, whatever is wrong", () => {
    for (const raw of ["x", "0", "2147483648", "2.5"])
      expect(databaseId("No such passkey.").safeParse(raw).error?.issues[0]?.message).toBe("No such passkey.");
  });

  it("drops ticked role or group boxes whose id is beyond the database's", () => {
    expect(
      idsFromCheckboxes({ "role-2147483648": "on", "role-2147483647": "on", "role-0": "on", "role-7": "" }, "role-"),
    ).toEqual([2147483647]);
  });

  it("is the database's bound: the largest id is simply not found, on PostgreSQL as on SQLite", async () => {
    const db = testDatabase();
    expect(await db.select().from(users).where(eq(users.id, MAX_DATABASE_ID))).toEqual([]);
    // One more is why the bound exists: PostgreSQL refuses the query itself ("out of range for type integer").
    if (configuredDialect() === "postgres")
      await expect(
        db
          .select()
          .from(users)
          .where(eq(users.id, MAX_DATABASE_ID + 1)),
      ).rejects.toThrow();
  });
});

/** Every source file under `folder` (tests left out). */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
    .map((file) => path.join(folder, file));
}

describe("the sweep", () => {
  it("leaves no id schema in app/ or lib/ without the bound: a positive whole number read from the client is databaseId()", () => {
    const unbounded = /z\.coerce\s*\.number\([^)]*\)\s*\.int\([^)]*\)\s*\.positive\([^)]*\)(?!\s*\.max\()/;
    const offenders = [...sourceFiles("app"), ...sourceFiles("lib")].filter(
      (file) => file !== path.join("lib", "database-id.ts") && unbounded.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });
});
