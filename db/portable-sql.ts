import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { configuredDialect } from "./dialect";

/*
 * The few SQL fragments SQLite and PostgreSQL spell differently, for the
 * hand-written parts of queries. Everything else the query builder writes
 * for the dialect of the database it runs on.
 */
const onPostgres = () => configuredDialect() === "postgres";

/**
 * A name or email for sorting and comparing without regard to case. SQLite's
 * `collate nocase` uses the (organisation, name collate nocase) indexes; on
 * PostgreSQL the indexes are on lower(name) (db/schema.pg.ts).
 */
export function caseless(column: SQLWrapper): SQL {
  return onPostgres() ? sql`lower(${column})` : sql`${column} collate nocase`;
}

/** A timestamp as a bound value inside hand-written SQL: SQLite stores milliseconds, PostgreSQL a timestamptz. */
export function timestampValue(date: Date): SQL {
  return onPostgres() ? sql`${date.toISOString()}::timestamptz` : sql`${date.getTime()}`;
}

/**
 * A timestamp column moved `ms` milliseconds earlier: SQLite stores
 * milliseconds, PostgreSQL subtracts an interval (tests age codes and links with it).
 */
export function earlierBy(column: SQLWrapper, ms: number): SQL {
  return onPostgres() ? sql`${column} - ${ms}::double precision * interval '1 millisecond'` : sql`${column} - ${ms}`;
}

/** The larger of two numbers (SQLite's two-argument max, PostgreSQL's greatest). */
export function greaterOf(a: SQLWrapper | number, b: SQLWrapper | number): SQL {
  return onPostgres() ? sql`greatest(${a}, ${b})` : sql`max(${a}, ${b})`;
}

/** The smaller of two numbers (SQLite's two-argument min, PostgreSQL's least). */
export function lesserOf(a: SQLWrapper | number, b: SQLWrapper | number): SQL {
  return onPostgres() ? sql`least(${a}, ${b})` : sql`min(${a}, ${b})`;
}

/** A top-level key of a JSON column, as text (null when absent). */
export function jsonText(column: SQLWrapper, key: string): SQL {
  return onPostgres() ? sql`(${column} ->> ${key})` : sql`cast(json_extract(${column}, ${`$.${key}`}) as text)`;
}

/** How many elements a JSON array column holds. */
export function jsonArrayLength(column: SQLWrapper): SQL {
  return onPostgres() ? sql`jsonb_array_length(${column})` : sql`json_array_length(${column})`;
}

/** The column a batched delete picks rows by when a table has no single key: SQLite's rowid, PostgreSQL's ctid. */
export function physicalRowId(): SQL {
  return onPostgres() ? sql.raw("ctid") : sql.raw("rowid");
}

/** A bound for comparing with caseless(): PostgreSQL compares lower(column), so the bound is lowered too. */
export function caselessText(text: string): string {
  return onPostgres() ? text.toLowerCase() : text;
}

/**
 * SQLite's unary `+` keeps the planner off a column's index; PostgreSQL has no
 * such operator on text (and plans with statistics instead).
 */
export const hidesFromIndex = !onPostgres();

/**
 * `column = value` as a check on rows another condition finds (ids, read by
 * primary key). Without statistics (the app runs no ANALYZE) SQLite would
 * rather walk a covering index on `column`: five ids of a 100,000-user
 * organisation then read all of its index entries (16 ms, where the primary
 * key takes microseconds). The unary `+` keeps it off that index; PostgreSQL
 * plans with statistics. `value` is a number: `+` also drops the column's
 * affinity, so a text '1' would match nothing (it fails closed, never open).
 */
export function checkOnly(column: SQLWrapper, value: number): SQL {
  return hidesFromIndex ? sql`+${column} = ${value}` : sql`${column} = ${value}`;
}

/** The text between the first and second dots of `column` ("h2.<key id>.<digest>" gives the key id). */
export function secondDotField(column: SQLWrapper): SQL {
  return onPostgres()
    ? sql`split_part(${column}, '.', 2)`
    : sql`substr(${column}, instr(${column}, '.') + 1, instr(substr(${column}, instr(${column}, '.') + 1), '.') - 1)`;
}

/**
 * Where nulls go in an ORDER BY: SQLite counts null as smaller than any value
 * (first ascending, last descending); PostgreSQL as larger. Appended after the
 * direction, this gives PostgreSQL SQLite's order, so lists agree on both.
 */
export function nullsAsSmallest(direction: "asc" | "desc"): SQL {
  if (!onPostgres()) return sql``;
  return direction === "asc" ? sql` nulls first` : sql` nulls last`;
}
