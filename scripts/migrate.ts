/*
 * `npm run db:migrate`: applies the database's pending migrations, once per
 * deployment, before starting the servers (which refuse a schema that is behind).
 */
import { configuredDatabaseUrl, dialectOf } from "@/db/dialect";
import { migrateDatabase } from "@/db/migrate";

const url = configuredDatabaseUrl();
// A CommonJS script (tsx): no top-level await.
void migrateDatabase(url).then(() =>
  console.log(`Twofold: the ${dialectOf(url) === "postgres" ? "PostgreSQL" : "SQLite"} schema is up to date.`),
);
