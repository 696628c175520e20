import fs from "node:fs";
import path from "node:path";
import { AsyncLocalStorage } from "node:async_hooks";
import Database from "better-sqlite3";
import { drizzle as drizzleSync } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzleAsync, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import { configuredDatabaseUrl, dialectOf } from "./dialect";
import { openPostgresDatabase } from "./postgres";
import * as schema from "./schema";

/**
 * The database, as every query in the app sees it: asynchronous, so the same
 * code runs on SQLite (better-sqlite3) and on PostgreSQL (`pg`). It is typed
 * with the SQLite builders; PostgreSQL's build the same queries.
 */
export type Db = SqliteRemoteDatabase<typeof schema>;

/** The database or an open transaction: what query helpers that may run inside either accept. */
export type Executor = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

/** An SQLite database, with its better-sqlite3 connection for what only SQLite has (tests, the soak's integrity check). */
export type SqliteDb = Db & { $client: Database.Database };

/** `file:./data/twofold.db`, `./data/twofold.db` and `:memory:` are all accepted. */
export function databasePath(url = configuredDatabaseUrl()): string {
  const location = url.startsWith("file:") ? url.slice("file:".length) : url;
  return location === ":memory:" ? location : path.resolve(location);
}

export const SQLITE_MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

/**
 * Statements prepared once per SQL text. Query texts come from the code, but
 * `inArray` over lists of different lengths makes new ones, so the cache is
 * bounded: past the limit the oldest is dropped (a Map keeps insertion order).
 */
const STATEMENT_CACHE_LIMIT = 500;

/**
 * SQLite has one connection per process, so a transaction that awaits between
 * its statements must not have another request's statements land inside it:
 * they would commit or roll back with it, or read what it has not committed.
 * While a transaction is open, statements from outside it wait for it to end;
 * transactions queue behind each other. Inside one, AsyncLocalStorage tells
 * its own statements apart.
 */
class TransactionGate {
  private readonly owner = new AsyncLocalStorage<symbol>();
  private open: symbol | null = null;
  private tail: Promise<void> = Promise.resolve();

  /** Resolves when a statement from the caller's context may run now. */
  async admit(): Promise<void> {
    while (this.open && this.owner.getStore() !== this.open) await this.tail;
  }

  insideTransaction(): boolean {
    return this.open !== null && this.owner.getStore() === this.open;
  }

  async exclusive<T>(body: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((resolve) => (release = resolve));
    await previous;
    const token = Symbol("transaction");
    this.open = token;
    try {
      return await this.owner.run(token, body);
    } finally {
      this.open = null;
      release();
    }
  }
}

type SqliteState = { client: Database.Database; gate: TransactionGate };
/*
 * Kept on the session object under a registered symbol, not in a module-local
 * map: Next.js may bundle this module into several chunks (instrumentation,
 * each route), each with its own copy, while getDb() shares one database
 * through globalThis.
 */
const SQLITE_STATE = Symbol.for("twofold.sqliteState");
const sessionStates = {
  get: (session: object) => (session as { [SQLITE_STATE]?: SqliteState })[SQLITE_STATE],
  set: (session: object, state: SqliteState) =>
    Object.defineProperty(session, SQLITE_STATE, { value: state, enumerable: false }),
};

function sqliteExecutor(client: Database.Database, gate: TransactionGate) {
  const statements = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = client.prepare(text);
      if (statements.size >= STATEMENT_CACHE_LIMIT) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
    }
    return statement;
  };
  return async (text: string, params: unknown[], method: "run" | "all" | "values" | "get") => {
    await gate.admit();
    const statement = prepare(text);
    if (method === "run" || !statement.reader) {
      // `changes` is read by changedRows(); PostgreSQL's driver says `rowCount`.
      const { changes } = statement.run(...params);
      return { rows: [], changes };
    }
    // Drizzle maps rows by position, so it asks for arrays.
    if (method === "get") return { rows: statement.raw(true).get(...params) as unknown[] };
    return { rows: statement.raw(true).all(...params) as unknown[] };
  };
}

/**
 * Opens an SQLite database with the pragmas every connection needs. With
 * `migrate` (development, tests) it first brings the schema up to date; a
 * production server leaves that to `npm run db:migrate` (db/migrate.ts).
 */
export function openSqliteDatabase(file = databasePath(), { migrate: migrateFirst = true } = {}): SqliteDb {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new Database(file);
  // WAL lets readers proceed while one writer commits; the busy timeout makes a
  // second process's writer wait instead of failing with SQLITE_BUSY.
  client.pragma("journal_mode = WAL");
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  if (migrateFirst) migrate(drizzleSync(client), { migrationsFolder: SQLITE_MIGRATIONS_FOLDER });
  const gate = new TransactionGate();
  const db = drizzleAsync(sqliteExecutor(client, gate), { schema }) as SqliteDb;
  const transaction = db.transaction.bind(db);
  // IMMEDIATE takes the write lock at BEGIN, so two processes' transactions
  // queue instead of both reading and then one failing to upgrade its lock.
  db.transaction = ((body, config) =>
    gate.insideTransaction()
      ? Promise.reject(new Error("db.transaction inside a transaction: use the transaction's own handle"))
      : gate.exclusive(() => transaction(body, { behavior: "immediate", ...config }))) as Db["transaction"];
  Object.defineProperty(db, "$client", { value: client, enumerable: false });
  sessionStates.set(sessionOf(db), { client, gate });
  return db;
}

/**
 * Opens the database `url` names. SQLite is migrated on open outside
 * production; PostgreSQL never is (its migrations are asynchronous and run
 * once per deployment under a lock: `npm run db:migrate`).
 */
export function openDatabase(url = configuredDatabaseUrl()): Db {
  if (dialectOf(url) === "postgres") return openPostgresDatabase(url) as unknown as Db;
  return openSqliteDatabase(databasePath(url), { migrate: process.env.NODE_ENV !== "production" });
}

export async function closeDatabase(db: Db): Promise<void> {
  const sqlite = sessionStates.get(sessionOf(db));
  if (sqlite) sqlite.client.close();
  else await (db as unknown as { $client: { end(): Promise<void> } }).$client.end();
}

/** Whether a handle (the database or a transaction) is PostgreSQL's rather than SQLite's. */
export function isPostgresHandle(executor: Executor): boolean {
  return postgresExecutor(executor) !== null;
}

/** PostgreSQL's handles (the database and its transactions) run hand-written SQL with `execute`; SQLite's have no such method. */
function postgresExecutor(
  executor: Executor,
): { execute(query: SQL): Promise<{ rows: unknown[]; rowCount: number | null }> } | null {
  return "execute" in executor ? (executor as never) : null;
}

const sqliteDialect = new SQLiteAsyncDialect();

/**
 * Rows of a hand-written query (column names as the query spells them), for
 * the few queries the builder cannot express. Works inside a transaction too:
 * pass its handle.
 */
export async function queryRows<Row>(executor: Executor, query: SQL): Promise<Row[]> {
  const postgres = postgresExecutor(executor);
  if (postgres) return (await postgres.execute(query)).rows as Row[];
  const state = sqliteStateOf(executor);
  const { sql: text, params } = sqliteDialect.sqlToQuery(query);
  await state.gate.admit();
  const statement = state.client.prepare(text);
  if (!statement.reader) {
    statement.run(...params);
    return [];
  }
  return statement.all(...params) as Row[];
}

/** Runs a hand-written statement that returns no rows; says how many rows it changed. */
export async function runStatement(executor: Executor, query: SQL): Promise<number> {
  const postgres = postgresExecutor(executor);
  if (postgres) return (await postgres.execute(query)).rowCount ?? 0;
  const state = sqliteStateOf(executor);
  const { sql: text, params } = sqliteDialect.sqlToQuery(query);
  await state.gate.admit();
  return state.client.prepare(text).run(...params).changes;
}

/** The database and every transaction on it share one session object: the state is found through it. */
function sqliteStateOf(executor: Executor): SqliteState {
  const state = sessionStates.get(sessionOf(executor));
  if (!state) throw new Error("queryRows: not a database opened by db/index.ts");
  return state;
}

const sessionOf = (executor: Executor) => (executor as unknown as { session: object }).session;

// One connection per process; cached on globalThis so dev-mode hot reloads do not leak handles.
const globalForDb = globalThis as unknown as { twofoldDb?: Db };

export function getDb(): Db {
  globalForDb.twofoldDb ??= openDatabase();
  return globalForDb.twofoldDb;
}

/** How many rows an insert, update or delete without `returning()` changed, on either database. */
export function changedRows(result: unknown): number {
  const outcome = result as { changes?: number; rowCount?: number | null };
  return outcome.changes ?? outcome.rowCount ?? 0;
}
