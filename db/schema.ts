/*
 * The tables, in the dialect this process runs on (db/dialect.ts). Domain
 * code imports them from here and is typed against the SQLite definitions;
 * the PostgreSQL ones (db/schema.pg.ts) have the same tables, columns,
 * constraints and indexes (db/schema-parity.test.ts), so the same queries
 * build for either.
 */
export * from "./schema.sqlite";
