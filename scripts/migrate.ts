/*
 * `npm run db:migrate`: applies the database's pending migrations, once per
 * deployment, before starting the servers (which refuse a schema that is behind).
 */
import { createRequire } from "node:module";
import { configuredDatabaseUrl, dialectOf } from "@/db/dialect";
import { migrateDatabase } from "@/db/migrate";

// The .env files `npm start` reads, loaded the same way (scripts/start.mjs), so both name the same database.
type NextEnv = {
  loadEnvConfig(dir: string, dev: boolean, log: { info(): void; error(...args: unknown[]): void }): void;
};
const nextEnv = createRequire(require.resolve("next/package.json"))("@next/env") as NextEnv;
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
const url = configuredDatabaseUrl();
// A CommonJS script (tsx): no top-level await.
void migrateDatabase(url).then(() =>
  console.log(`Twofold: the ${dialectOf(url) === "postgres" ? "PostgreSQL" : "SQLite"} schema is up to date.`),
);
