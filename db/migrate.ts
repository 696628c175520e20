import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { configuredDatabaseUrl, dialectOf } from "./dialect";
import { databasePath, openSqliteDatabase, SQLITE_MIGRATIONS_FOLDER } from "./index";
import { migratePostgres } from "./postgres";

/**
 * Brings the schema of the database `url` names up to date: once per
 * deployment, before the servers start (`npm run db:migrate`). On SQLite the
 * migrator's transaction is the lock; on PostgreSQL an advisory lock makes
 * concurrent runs apply each migration once.
 */
export async function migrateDatabase(url = configuredDatabaseUrl()): Promise<void> {
  if (dialectOf(url) === "postgres") return migratePostgres(url);
  const db = openSqliteDatabase(databasePath(url), { migrate: false });
  try {
    migrate(drizzle(db.$client), { migrationsFolder: SQLITE_MIGRATIONS_FOLDER });
  } finally {
    db.$client.close();
  }
}
