import { getTableName, is, type SQL } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as postgres from "./schema.pg";
import * as sqlite from "./schema.sqlite";

/*
 * The two schemas describe one database: the same tables, columns, nullability,
 * defaults, keys, foreign keys and indexes. Only types and the spelling of
 * expressions differ (integer milliseconds or timestamptz, 0/1 or boolean,
 * text or jsonb, `x collate nocase` or lower(x)), so a query written once
 * means the same on both.
 */

/** The kind of value a column holds, across the dialects' spellings. */
function kind(column: { columnType: string; dataType: string }): string {
  if (column.dataType === "date") return "timestamp";
  if (column.dataType === "boolean") return "boolean";
  if (column.dataType === "json") return "json";
  return column.dataType; // "number", "string"
}

/** An index column: a column's name, or an expression reduced to the columns it names. */
function indexPart(part: unknown): string {
  if (part && typeof part === "object" && "name" in part && typeof part.name === "string") return part.name;
  const chunks = (part as SQL).queryChunks ?? [];
  const names = chunks.flatMap((chunk) =>
    chunk && typeof chunk === "object" && "name" in chunk && typeof chunk.name === "string" ? [chunk.name] : [],
  );
  return `expr(${names.join(",")})`;
}

type Shape = ReturnType<typeof shape>;

function shape(config: ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>) {
  return {
    columns: Object.fromEntries(
      config.columns.map((column) => [
        column.name,
        {
          kind: kind(column),
          notNull: column.notNull,
          primary: column.primary,
          // SQLite counts any integer primary key as defaulted (it aliases the rowid); an identity is compared by the key alone.
          hasDefault: column.primary ? null : column.hasDefault,
          unique: column.isUnique,
          enumValues: column.enumValues ?? null,
        },
      ]),
    ),
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys
      .map((key) => {
        const reference = key.reference();
        return {
          columns: reference.columns.map((column) => column.name),
          table: getTableName(reference.foreignTable),
          foreignColumns: reference.foreignColumns.map((column) => column.name),
          onDelete: key.onDelete ?? "no action",
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name,
        unique: index.config.unique,
        on: (index.config.columns as unknown[]).map(indexPart),
      }))
      .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? "")),
  };
}

function tables<T>(module: Record<string, unknown>, isTable: (value: unknown) => value is T) {
  return Object.values(module).filter(isTable);
}

const sqliteShapes = new Map<string, Shape>(
  tables(sqlite, (value): value is SQLiteTable => is(value, SQLiteTable)).map((table) => [
    getTableName(table),
    shape(sqliteTableConfig(table)),
  ]),
);
const postgresShapes = new Map<string, Shape>(
  tables(postgres, (value): value is PgTable => is(value, PgTable)).map((table) => [
    getTableName(table),
    shape(pgTableConfig(table)),
  ]),
);

describe("the SQLite and PostgreSQL schemas", () => {
  it("have the same tables", () => {
    expect([...postgresShapes.keys()].sort()).toEqual([...sqliteShapes.keys()].sort());
    expect(sqliteShapes.size).toBeGreaterThan(20);
  });

  it.each([...sqliteShapes.keys()].sort())("agree on %s: columns, keys, foreign keys and indexes", (name) => {
    expect(postgresShapes.get(name)).toEqual(sqliteShapes.get(name));
  });
});
