import crypto from "node:crypto";
import pg from "pg";
import type { SqliteDb } from "@/db";
import { openPostgresDatabase } from "@/db/postgres";

/*
 * Unit tests on PostgreSQL (`npm run test:unit:postgres`): each test's
 * database is a copy of a migrated template (test/postgres-template.ts), made
 * when its first query runs, so testDatabase() stays synchronous as on SQLite.
 */
/**
 * This run's databases are named `twofold_unit_<run>_…`, the run picked by
 * vitest.config.ts for the global setup and the workers alike, so two runs
 * against one server (two worktrees) never drop each other's template or
 * databases.
 */
export function runPrefix(): string {
  return `twofold_unit_${process.env.TWOFOLD_UNIT_RUN ?? "default"}_`;
}

export const postgresTemplate = () => `${runPrefix()}template`;

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Connections of `pool` (and so its queries, which take one) wait for `ready` first. */
function waitingFor(pool: pg.Pool, ready: Promise<unknown>): pg.Pool {
  const connect = pool.connect.bind(pool) as (callback?: (...args: unknown[]) => void) => Promise<pg.PoolClient>;
  Object.assign(pool, {
    connect: (callback?: (...args: unknown[]) => void) =>
      callback
        ? void ready.then(
            () => connect(callback),
            (error: unknown) => callback(error),
          )
        : ready.then(() => connect()),
  });
  return pool;
}

export function freshPostgresDatabase(adminUrl: string): SqliteDb {
  const name = `${runPrefix()}${crypto.randomBytes(6).toString("hex")}`;
  const ready = (async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${postgresTemplate()}`);
    } finally {
      await admin.end();
    }
  })();
  const pool = waitingFor(new pg.Pool({ connectionString: databaseUrl(adminUrl, name), max: 5 }), ready);
  return openPostgresDatabase(databaseUrl(adminUrl, name), pool) as unknown as SqliteDb;
}
