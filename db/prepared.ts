import type { Db } from "./index";

/**
 * A query built and prepared once per database connection, then run with
 * `sql.placeholder` values. For queries that run on every request: Drizzle's
 * SQL building costs over a hundred times what SQLite spends executing a
 * keyed lookup, and preparing it once removes both that and SQLite's parse.
 */
export function preparedQuery<Query>(build: (db: Db) => Query): (db: Db) => Query {
  const byDatabase = new WeakMap<Db, Query>();
  return (db) => {
    let query = byDatabase.get(db);
    if (!query) {
      query = build(db);
      byDatabase.set(db, query);
    }
    return query;
  };
}
