import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import bundledJournal from "./migrations/meta/_journal.json";

export type MigrationJournal = { entries: ReadonlyArray<{ tag: string; when: number }> };
export type SchemaDialect = "sqlite" | "postgresql";
export type SchemaStatus = { current: boolean; pending: number };

/**
 * When the newest migration recorded in the database was made (its journal
 * `when`), or null when none is. Drizzle's migrator records each applied
 * migration as a row of `__drizzle_migrations` whose `created_at` is that
 * `when` (drizzle-orm sqlite-core/dialect.js; on PostgreSQL the table is
 * `drizzle.__drizzle_migrations`, pg-core/dialect.js).
 */
async function newestAppliedMigration(db: Db, dialect: SchemaDialect): Promise<number | null> {
  if (dialect === "postgresql") {
    // For the PostgreSQL client: `select to_regclass('drizzle.__drizzle_migrations') as t`, null when absent,
    // then `select max(created_at) as last from drizzle.__drizzle_migrations` (a bigint: Number() it).
    throw new Error("schemaStatus: the PostgreSQL branch is not written yet");
  }
  const table = await db.all<{ name: string }>(
    sql`select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'`,
  );
  if (table.length === 0) return null;
  const [row] = await db.all<{ last: number | string | null }>(
    sql`select max(created_at) as last from __drizzle_migrations`,
  );
  return row?.last === null || row?.last === undefined ? null : Number(row.last);
}

/**
 * Whether the database has every migration this build ships. Counted the way
 * drizzle's migrator decides what to apply: every journal entry newer than the
 * newest recorded one is pending. A database ahead of this build (a newer
 * instance migrated it during a rolling deploy) counts as current.
 */
export async function schemaStatus(
  db: Db,
  { dialect = "sqlite", journal = bundledJournal }: { dialect?: SchemaDialect; journal?: MigrationJournal } = {},
): Promise<SchemaStatus> {
  const newest = await newestAppliedMigration(db, dialect);
  const pending = journal.entries.filter((entry) => newest === null || entry.when > newest).length;
  return { current: pending === 0, pending };
}
