import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { runStatement } from "@/db";
import sqliteJournal from "@/db/migrations/meta/_journal.json";
import postgresJournal from "@/db/migrations-pg/meta/_journal.json";
import { schemaStatus } from "@/db/schema-status";
import { refuseOutdatedSchema } from "@/lib/deployment/schema-check";
import { ConfigurationError } from "@/lib/env";
import { forgetNewestMigration, onPostgres, testDatabase } from "@/test/db";

const journal = onPostgres ? postgresJournal : sqliteJournal;

describe("schemaStatus compares the migrations this build ships with those the database recorded", () => {
  it("a migrated database is current", async () => {
    expect(await schemaStatus(testDatabase())).toEqual({ current: true, pending: 0 });
  });

  it("a database whose newest migration is not recorded is one behind", async () => {
    const db = testDatabase();
    await forgetNewestMigration(db);
    expect(await schemaStatus(db)).toEqual({ current: false, pending: 1 });
  });

  it("a database that never ran the migrator has every migration pending", async () => {
    const db = testDatabase();
    await runStatement(
      db,
      sql.raw(`drop table ${onPostgres ? "drizzle.__drizzle_migrations" : "__drizzle_migrations"}`),
    );
    expect(await schemaStatus(db)).toEqual({ current: false, pending: journal.entries.length });
  });

  it("a database ahead of this build (a newer instance migrated it) is current", async () => {
    const db = testDatabase();
    const older = { entries: journal.entries.slice(0, -1) };
    expect(await schemaStatus(db, { journal: older })).toEqual({ current: true, pending: 0 });
  });

  it("production start refuses a schema that is behind and says what to run", async () => {
    const db = testDatabase();
    await expect(refuseOutdatedSchema(db)).resolves.toBeUndefined();
    await forgetNewestMigration(db);
    const refusal = refuseOutdatedSchema(db);
    await expect(refusal).rejects.toThrow(ConfigurationError);
    await expect(refusal).rejects.toThrow("1 migration(s) not applied). Run `npm run db:migrate`, then start again.");
  });
});
