/**
 * Which database this process talks to, from `DATABASE_URL`: `postgres://…`
 * (or `postgresql://…`) is PostgreSQL; anything else (`file:…`, a path,
 * `:memory:`) is an SQLite file. Decided once per process: the schema module
 * hands out one dialect's tables (db/schema.ts).
 */
export type DatabaseDialect = "sqlite" | "postgres";

export const DEFAULT_DATABASE_URL = "file:./data/twofold.db";

export function dialectOf(url: string): DatabaseDialect {
  return /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

export function configuredDatabaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function configuredDialect(): DatabaseDialect {
  return dialectOf(configuredDatabaseUrl());
}
