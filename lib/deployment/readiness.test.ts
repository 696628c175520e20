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

  it("probes within a second share one database answer; the next second asks again", async () => {
    const db = testDatabase();
    globalForDb.twofoldDb = db;
    const start = Date.now();
    expect(await readiness(start)).toEqual({ ready: true });
    await forgetNewestMigration(db);
    expect(await readiness(start + 999)).toEqual({ ready: true });
    expect(await readiness(start + 1_000)).toEqual({ ready: false, reason: "schema behind" });
  });

  it("not ready once the process was told to stop, without waiting for the shared answer", async () => {
    globalForDb.twofoldDb = testDatabase();
    expect(await readiness()).toEqual({ ready: true });
    markDraining();
    expect(await readiness()).toEqual({ ready: false, reason: "shutting down" });
  });
});
