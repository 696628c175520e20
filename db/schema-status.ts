import { sql } from "drizzle-orm";
import { queryRows, type Db } from "@/db";
import { configuredDialect, type DatabaseDialect } from "./dialect";
import postgresJournal from "./migrations-pg/meta/_journal.json";
import sqliteJournal from "./migrations/meta/_journal.json";

export type MigrationJournal = { entries: ReadonlyArray<{ tag: string; when: number }> };
export type SchemaStatus = { current: boolean; pending: number };

const JOURNALS: Record<DatabaseDialect, MigrationJournal> = { sqlite: sqliteJournal, postgres: postgresJournal };

/**
 * When the newest migration recorded in the database was made (its journal
 * `when`), or null when none is. Drizzle's migrator records each applied
 * migration as a row of `__drizzle_migrations` whose `created_at` is that
 * `when` (drizzle-orm sqlite-core/dialect.js; on PostgreSQL the table is
 * `drizzle.__drizzle_migrations`, pg-core/dialect.js).
 */
async function newestAppliedMigration(db: Db, dialect: DatabaseDialect): Promise<number | null> {
  const [present] = await queryRows<{ present: unknown }>(
    db,
    dialect === "postgres"
      ? sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`
      : sql`select count(*) as present from sqlite_master where type = 'table' and name = '__drizzle_migrations'`,
  );
  if (!present?.present || present.present === "0") return null;
  const [row] = await queryRows<{ last: number | string | null }>(
    db,
    dialect === "postgres"
      ? sql`select max(created_at) as last from drizzle.__drizzle_migrations`
      : sql`select max(created_at) as last from __drizzle_migrations`,
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
  { dialect = configuredDialect(), journal }: { dialect?: DatabaseDialect; journal?: MigrationJournal } = {},
): Promise<SchemaStatus> {
  const newest = await newestAppliedMigration(db, dialect);
  const pending = (journal ?? JOURNALS[dialect]).entries.filter(
    (entry) => newest === null || entry.when > newest,
  ).length;
  return { current: pending === 0, pending };
}
