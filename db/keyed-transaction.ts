import { sql } from "drizzle-orm";
import { isPostgresHandle, queryRows, type Db, type Executor } from "@/db";

type Transaction = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * A transaction that concurrent requests on the same keys take one at a time,
 * for hot check-then-write paths (the sign-in throttle) that a flood hits
 * from many requests at once.
 *
 * SQLite: BEGIN IMMEDIATE already runs writers one at a time.
 * PostgreSQL: the default SERIALIZABLE transaction (db/postgres.ts) would be
 * correct, but its predicate locks cover index pages, not keys, so a flood of
 * attempts on different keys of one small table aborts each other with
 * 40001 faster than retries drain them. Here each key takes a transaction-
 * scoped advisory lock (in sorted order, so two transactions never wait on
 * each other in a cycle) and the transaction runs READ COMMITTED: every
 * statement after the locks sees what the previous holder committed, so the
 * check and the write on those keys cannot interleave with another's, on any
 * instance (OWASP ASVS 5.0 V2.3.2, business logic limits under concurrency).
 * The body must read and write only rows of its keys.
 */
export async function transactionOnKeys<T>(
  db: Db,
  keys: readonly string[],
  body: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (!isPostgresHandle(db as Executor)) return await db.transaction(body, { behavior: "immediate" });
  const ordered = [...new Set(keys)].sort();
  return await db.transaction(
    async (tx) => {
      for (const key of ordered) await queryRows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
      return await body(tx);
    },
    // Read by db/postgres.ts's transaction wrapper, which otherwise asks for SERIALIZABLE.
    { isolationLevel: "read committed" } as never,
  );
}
