import { sql } from "drizzle-orm";
import { isPostgresHandle, queryRows, runStatement, type Db, type Executor } from "@/db";
import { sqlState } from "@/db/postgres";

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
 * The body must decide only on rows of its keys; besides those it may append
 * rows nobody decides on (its audit event and the event's webhook deliveries).
 *
 * A waiter gives up after KEY_LOCK_TIMEOUT_MS (PostgreSQL's lock_timeout,
 * 55P03) with KeysBusyError, instead of holding one of the pool's few
 * connections until the statement timeout while a flood on one key queues up
 * behind it (review L3; OWASP ASVS 5.0 V15.4.x, bounded waits on shared
 * resources). Callers answer that as "busy, try again shortly".
 */
/** How long a transaction waits for its keys' locks on PostgreSQL. */
export const KEY_LOCK_TIMEOUT_MS = 2_000;
const LOCK_NOT_AVAILABLE = "55P03";

/** Another transaction held one of the keys for longer than KEY_LOCK_TIMEOUT_MS. */
export class KeysBusyError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("The keys' locks were not free in time", options);
    this.name = "KeysBusyError";
  }
}

export async function transactionOnKeys<T>(
  db: Db,
  keys: readonly string[],
  body: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (!isPostgresHandle(db as Executor)) return await db.transaction(body, { behavior: "immediate" });
  const ordered = [...new Set(keys)].sort();
  try {
    return await db.transaction(
      async (tx) => {
        if (ordered.length > 0) await runStatement(tx, sql.raw(`set local lock_timeout = ${KEY_LOCK_TIMEOUT_MS}`));
        for (const key of ordered) await queryRows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
        return await body(tx);
      },
      // Read by db/postgres.ts's transaction wrapper, which otherwise asks for SERIALIZABLE.
      { isolationLevel: "read committed" } as never,
    );
  } catch (error) {
    if (sqlState(error) === LOCK_NOT_AVAILABLE) throw new KeysBusyError({ cause: error });
    throw error;
  }
}
