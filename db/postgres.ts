import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema.pg";

export type PostgresDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export const POSTGRES_MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations-pg");

/** Connections each server process may hold (DATABASE_POOL_SIZE): several processes and instances share the server's max_connections. */
export function poolSize(): number {
  const configured = Number(process.env.DATABASE_POOL_SIZE);
  return Number.isInteger(configured) && configured > 0 ? configured : 10;
}

// PostgreSQL's own answers that a transaction lost a race and may simply run again.
const SERIALIZATION_FAILURE = "40001";
const DEADLOCK_DETECTED = "40P01";
const TRANSACTION_ATTEMPTS = 8;

export function sqlState(error: unknown): string | undefined {
  for (let cause: unknown = error; cause && typeof cause === "object"; cause = (cause as { cause?: unknown }).cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && code.length === 5) return code;
  }
  return undefined;
}

/**
 * Opens a pool to PostgreSQL. Every transaction runs SERIALIZABLE and is run
 * again when PostgreSQL reports it lost a race (40001, 40P01): the same
 * guarantee SQLite's single writer gives, so a check-then-write inside a
 * transaction (the last administrator, a spent code) holds across processes
 * and machines without row locks written into each query. Transaction bodies
 * therefore only touch the database (no email, no HTTP) and may run twice.
 */
/**
 * Nothing waits forever: a connection is given within 5 s or the request
 * fails (a 500 that says the database is busy beats a process whose every
 * request hangs), a statement runs at most 15 s, and a transaction left idle
 * by a stuck request is ended after 10 s, releasing its locks (ASVS 5.0 V15.4).
 */
const POOL_TIMEOUTS = {
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  options: "-c statement_timeout=15000 -c idle_in_transaction_session_timeout=10000",
};

export function openPostgresDatabase(
  url: string,
  pool = new pg.Pool({ connectionString: url, max: poolSize(), ...POOL_TIMEOUTS }),
): PostgresDb {
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on("error", (error) => console.error(`Twofold: PostgreSQL connection lost: ${error.message}`));
  const db = drizzle(pool, { schema }) as PostgresDb;
  const transaction = db.transaction.bind(db);
  db.transaction = (async (body, config) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(body, { isolationLevel: "serializable", ...config });
      } catch (error) {
        const state = sqlState(error);
        const retriable = state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
        if (!retriable || attempt >= TRANSACTION_ATTEMPTS) throw error;
        // Jittered backoff, so the racers do not collide again in step.
        await sleep(Math.random() * 5 * 2 ** attempt);
      }
    }
  }) as PostgresDb["transaction"];
  return db;
}

/** A fixed key for pg_advisory_lock: one migration run at a time across every machine. */
const MIGRATION_LOCK_KEY = 0x7477_6f66; // "twof"

/**
 * Applies PostgreSQL's pending migrations under an advisory lock, so several
 * deploy steps started at once apply them once; the others wait, then find
 * nothing left to do.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: POSTGRES_MIGRATIONS_FOLDER });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
