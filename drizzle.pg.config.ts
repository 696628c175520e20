import { defineConfig } from "drizzle-kit";

/** PostgreSQL's migrations (see drizzle.config.ts for SQLite's). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.pg.ts",
  out: "./db/migrations-pg",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/twofold" },
  strict: true,
  verbose: true,
});
