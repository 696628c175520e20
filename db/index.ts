import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** The database or an open transaction: what query helpers that may run inside either accept. */
export type Executor = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

const DEFAULT_DATABASE_URL = "file:./data/twofold.db";

/** `file:./data/twofold.db`, `./data/twofold.db` and `:memory:` are all accepted. */
export function databasePath(url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL): string {
  const location = url.startsWith("file:") ? url.slice("file:".length) : url;
  return location === ":memory:" ? location : path.resolve(location);
}

/** Opens a database with the pragmas every connection needs, and brings its schema up to date. */
export function openDatabase(file = databasePath()): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const client = new Database(file);
  // WAL lets readers proceed while one writer commits; the busy timeout makes a
  // second writer wait instead of failing with SQLITE_BUSY.
  client.pragma("journal_mode = WAL");
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  const db = drizzle(client, { schema }) as Db;
  migrate(db, { migrationsFolder: path.join(process.cwd(), "db", "migrations") });
  return db;
}

// One connection per process; cached on globalThis so dev-mode hot reloads do not leak handles.
const globalForDb = globalThis as unknown as { twofoldDb?: Db };

export function getDb(): Db {
  globalForDb.twofoldDb ??= openDatabase();
  return globalForDb.twofoldDb;
}
