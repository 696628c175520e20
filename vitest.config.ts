import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

/*
 * `UNIT_DATABASE=postgres` (with TEST_POSTGRES_URL, a role that may create
 * databases) runs the same tests on PostgreSQL: the schema module hands out
 * PostgreSQL's tables, and test/db.ts gives each test a copy of a migrated template.
 */
const onPostgres = process.env.UNIT_DATABASE === "postgres" && Boolean(process.env.TEST_POSTGRES_URL);
// This run's databases are named by it (test/postgres.ts), for the global setup (this process) and the workers
// (test.env), so two runs on one server (two worktrees) never drop each other's template or databases.
process.env.TWOFOLD_UNIT_RUN ??= randomBytes(4).toString("hex");

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // Guards import "server-only" to keep them out of client bundles; unit tests run them in plain Node.
      "server-only": path.resolve(__dirname, "test/server-only-stub.ts"),
    },
  },
  test: {
    environment: "node",
    include: ["lib/**/*.test.ts", "db/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts", "proxy.test.ts"],
    // argon2 at OWASP parameters takes tens of milliseconds per hash.
    testTimeout: 20_000,
    ...(onPostgres
      ? {
          env: { DATABASE_URL: process.env.TEST_POSTGRES_URL!, TWOFOLD_UNIT_RUN: process.env.TWOFOLD_UNIT_RUN },
          globalSetup: ["test/postgres-template.ts"],
        }
      : {}),
  },
});
