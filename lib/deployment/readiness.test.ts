import { afterEach, describe, expect, it } from "vitest";
import { closeDatabase, type Db } from "@/db";
import { markDraining } from "@/lib/deployment/draining";
import { readiness } from "@/lib/deployment/readiness";
import { forgetNewestMigration, testDatabase } from "@/test/db";

// readiness() asks getDb(), which keeps the process's database on globalThis (db/index.ts).
const globalForDb = globalThis as unknown as { twofoldDb?: Db; twofoldDraining?: boolean };

afterEach(() => {
  delete globalForDb.twofoldDb;
  delete globalForDb.twofoldDraining;
});

describe("readiness: what /readyz tells a load balancer", () => {
  it("ready with the database answering and its schema current", async () => {
    globalForDb.twofoldDb = testDatabase();
    expect(await readiness()).toEqual({ ready: true });
  });

  it("not ready while a migration is missing", async () => {
    const db = testDatabase();
    await forgetNewestMigration(db);
    globalForDb.twofoldDb = db;
    expect(await readiness()).toEqual({ ready: false, reason: "schema behind" });
  });

  it("not ready when the database does not answer, and the reason says no more than that", async () => {
    const db = testDatabase();
    await closeDatabase(db);
    globalForDb.twofoldDb = db;
    expect(await readiness()).toEqual({ ready: false, reason: "database unavailable" });
  });

  it("not ready once the process was told to stop", async () => {
    globalForDb.twofoldDb = testDatabase();
    markDraining();
    expect(await readiness()).toEqual({ ready: false, reason: "shutting down" });
  });
});
