import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type Database from "better-sqlite3";
// The soak snapshots an SQLite file: SQLite's tables, whatever DATABASE_URL says.
import * as schema from "@/db/schema.sqlite";

/*
 * Before/after pictures of the security-relevant tables, and the rules that
 * decide which differences hostile input may cause.
 *
 * What counts as a change valid input could make (legitimate):
 *  - anything in audit_events, sign_in_failures and outbox (not snapshotted:
 *    they exist to record attempts, failures and messages);
 *  - a password-reset link for a bystander's email (anyone may ask "send me a
 *    reset link" for any address: the link goes to the address's owner);
 *  - any row of the fuzzed organisation changed in a way that leaves every
 *    column within its type (see `columnProblem`): a member of that
 *    organisation with the right session may rename themselves "<script>",
 *    and an admin may edit roles; that is what valid input does.
 * What never is (a violation):
 *  - any other row of the bystander organisation inserted, changed or
 *    deleted (its users' password is one no request of the run knows);
 *  - a stored value outside its column's type: an enum column holding a
 *    value not in its enum, an integer, timestamp or boolean column holding
 *    a float, text or out-of-range value, a JSON permission list holding an
 *    unknown permission, text holding NUL, "[object Object]" (an object
 *    where a string was expected, coerced; the generator never sends those
 *    words as text), or over 4,096 characters.
 * U+FFFD is not a violation: invalid UTF-8 (a lone surrogate sent as bytes)
 * is decoded to it, as browsers and every web server do, and a user may type
 * it; the count of stored values holding it is reported all the same.
 */

type Row = Record<string, unknown>;
export type TableSnapshot = Map<string, Row>;
export type Snapshot = Map<string, TableSnapshot>;

const SNAPSHOTTED: SQLiteTable[] = [
  schema.organisations,
  schema.users,
  schema.totpCredentials,
  schema.recoveryCodes,
  schema.trustedBrowsers,
  schema.roles,
  schema.groups,
  schema.groupMembers,
  schema.userRoles,
  schema.groupRoles,
  schema.sessions,
  schema.knownBrowsers,
  schema.apiTokens,
  schema.emailLinks,
  schema.duoAuthStates,
  schema.oneTimeCodes,
  schema.recoveryRequests,
];

export const SNAPSHOTTED_TABLES = SNAPSHOTTED.map((table) => getTableConfig(table).name);

export function takeSnapshot(client: Database.Database): Snapshot {
  const snapshot: Snapshot = new Map();
  for (const table of SNAPSHOTTED) {
    const name = getTableConfig(table).name;
    const rows = client.prepare(`select rowid as "__rowid", * from "${name}"`).all() as Row[];
    snapshot.set(name, new Map(rows.map((row) => [String(row.__rowid), row])));
  }
  return snapshot;
}

export type TableDiff = {
  inserted: Row[];
  deleted: Row[];
  updated: Array<{ before: Row; after: Row; columns: string[] }>;
};

export function diffSnapshots(before: Snapshot, after: Snapshot): Map<string, TableDiff> {
  const diffs = new Map<string, TableDiff>();
  for (const [table, afterRows] of after) {
    const beforeRows = before.get(table) ?? new Map();
    const diff: TableDiff = { inserted: [], deleted: [], updated: [] };
    for (const [key, row] of afterRows) {
      const old = beforeRows.get(key);
      if (!old) {
        diff.inserted.push(row);
        continue;
      }
      const columns = Object.keys(row).filter((column) => !sameValue(old[column], row[column]));
      if (columns.length) diff.updated.push({ before: old, after: row, columns });
    }
    for (const [key, row] of beforeRows) if (!afterRows.has(key)) diff.deleted.push(row);
    diffs.set(table, diff);
  }
  return diffs;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

const INTEGER_LIKE = new Set([
  "SQLiteInteger",
  "SQLiteTimestamp",
  "SQLiteBoolean",
  "SQLiteTimestampMs",
  "SQLiteCustomColumn",
]);
const MAX_TEXT = 4_096;
// Millisecond timestamps between 2000 and 2100; the app's own `timestamp` type stores milliseconds.
const TIME_RANGE = [Date.UTC(2000, 0, 1), Date.UTC(2100, 0, 1)] as const;

type ColumnRule = { name: string; columnType: string; enumValues?: readonly string[]; json: boolean };

const columnRules = new Map<string, ColumnRule[]>(
  SNAPSHOTTED.map((table) => {
    const config = getTableConfig(table);
    return [
      config.name,
      config.columns.map((column) => ({
        name: column.name,
        columnType: column.columnType,
        enumValues: (column as { enumValues?: readonly string[] }).enumValues?.length
          ? (column as { enumValues: readonly string[] }).enumValues
          : undefined,
        json: column.columnType.endsWith("Json"),
      })),
    ];
  }),
);

/** Why a stored value could not have come from valid input, or null when it could. */
export function columnProblem(rule: ColumnRule, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (rule.enumValues)
    return rule.enumValues.includes(value as string)
      ? null
      : `${rule.name} = ${JSON.stringify(value)} is not one of ${rule.enumValues.join(", ")}`;
  if (typeof value === "string") {
    if (rule.json) {
      if (rule.name === "permissions") {
        try {
          const parsed = JSON.parse(value) as unknown;
          if (
            !Array.isArray(parsed) ||
            parsed.some((entry) => !(schema.PERMISSIONS as readonly string[]).includes(entry as string))
          ) {
            return `${rule.name} holds ${value.slice(0, 80)}`;
          }
        } catch {
          return `${rule.name} is not JSON`;
        }
      }
      return null;
    }
    if (INTEGER_LIKE.has(rule.columnType) && rule.columnType !== "SQLiteCustomColumn")
      return `${rule.name} holds text in an integer column`;
    if (value.includes("\u0000")) return `${rule.name} holds NUL`;
    if (value.includes("[object Object]")) return `${rule.name} holds "[object Object]"`;
    if (value.length > MAX_TEXT) return `${rule.name} holds ${value.length} characters`;
    return null;
  }
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return `${rule.name} = ${value} is not an integer`;
    if (rule.columnType === "SQLiteBoolean" && value !== 0 && value !== 1)
      return `${rule.name} = ${value} is not a boolean`;
    if (rule.columnType === "SQLiteTimestamp" && (value < TIME_RANGE[0] || value > TIME_RANGE[1]))
      return `${rule.name} = ${value} is not a plausible time`;
    if (rule.columnType === "SQLiteText") return `${rule.name} holds a number in a text column`;
    return null;
  }
  if (typeof value === "bigint") return `${rule.name} holds a 64-bit integer`;
  if (Buffer.isBuffer(value)) return `${rule.name} holds a blob`;
  return null;
}

export type Violation = { table: string; rule: string; row: Row };

/** Which organisation a row belongs to, through its own columns or its user, role or group. */
function organisationOf(
  table: string,
  row: Row,
  lookups: { userOrg: Map<number, number>; roleOrg: Map<number, number>; groupOrg: Map<number, number> },
): number | undefined {
  if (table === "organisations") return row.id as number;
  if (typeof row.organisation_id === "number") return row.organisation_id;
  if (typeof row.user_id === "number") return lookups.userOrg.get(row.user_id);
  if (typeof row.role_id === "number") return lookups.roleOrg.get(row.role_id);
  if (typeof row.group_id === "number") return lookups.groupOrg.get(row.group_id);
  return undefined;
}

function lookupsOf(snapshot: Snapshot) {
  const map = (table: string) =>
    new Map([...(snapshot.get(table)?.values() ?? [])].map((row) => [row.id as number, row.organisation_id as number]));
  return { userOrg: map("users"), roleOrg: map("roles"), groupOrg: map("groups") };
}

export type DiffReport = {
  /** Per table: rows inserted, deleted, and updated (with which columns). */
  changes: Record<string, { inserted: number; deleted: number; updated: number; columns: Record<string, number> }>;
  violations: Violation[];
  /** Stored values holding U+FFFD (see above): reported, not a violation. */
  replacementCharacters: number;
};

/**
 * Applies the rules above. `ignoreSessions` are the token hashes of sessions
 * the soak itself created (it signs its virtual users in straight in the database).
 */
export function judgeDiff(
  before: Snapshot,
  after: Snapshot,
  options: { bystanderOrganisationId: number; ignoreSessions: Set<string> },
): DiffReport {
  const diffs = diffSnapshots(before, after);
  const lookups = lookupsOf(before);
  const changes: DiffReport["changes"] = {};
  const violations: Violation[] = [];
  let replacementCharacters = 0;
  for (const [table, diff] of diffs) {
    const relevant = (row: Row) => !(table === "sessions" && options.ignoreSessions.has(row.token_hash as string));
    const inserted = diff.inserted.filter(relevant);
    const deleted = diff.deleted.filter(relevant);
    const updated = diff.updated.filter((change) => relevant(change.before));
    const columns: Record<string, number> = {};
    for (const change of updated) for (const column of change.columns) columns[column] = (columns[column] ?? 0) + 1;
    if (inserted.length + deleted.length + updated.length)
      changes[table] = { inserted: inserted.length, deleted: deleted.length, updated: updated.length, columns };

    const resetLink = (row: Row) => table === "email_links" && row.purpose === "password_reset";
    for (const row of [
      ...inserted.filter((row) => !resetLink(row)),
      ...deleted,
      ...updated.map((change) => change.after),
    ]) {
      if (organisationOf(table, row, lookups) === options.bystanderOrganisationId)
        violations.push({ table, rule: "a row of the bystander organisation changed", row });
    }
    // Every value now stored, not only the changed ones: a bad value is a bad value whoever wrote it.
    const rules = columnRules.get(table) ?? [];
    for (const row of after.get(table)?.values() ?? []) {
      for (const value of Object.values(row))
        if (typeof value === "string" && value.includes("\uFFFD")) replacementCharacters++;
      for (const rule of rules) {
        const problem = columnProblem(rule, row[rule.name]);
        if (problem) violations.push({ table, rule: problem, row });
      }
    }
  }
  return { changes, violations, replacementCharacters };
}
