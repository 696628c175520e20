import { defineConfig } from "drizzle-kit";

/*
 * Two dialects, one set of tables: SQLite's migrations are in db/migrations,
 * PostgreSQL's in db/migrations-pg (drizzle.pg.config.ts). `npm run
 * db:generate` writes both; db/schema-parity.test.ts keeps the schemas equal.
 */
export default defineConfig({
  dialect: "sqlite",
  schema: "./db/schema.sqlite.ts",
  out: "./db/migrations",
  dbCredentials: { url: "file:./data/twofold.db" },
  strict: true,
  verbose: true,
});
