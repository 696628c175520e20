import { and, count, countDistinct, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { oneTimeCodes, recoveryCodes } from "@/db/schema";
import type { KeyRing, RingKey } from "@/lib/keys/key-ring";
import { encryptSecret, openSecret, UnreadableSecretError } from "@/lib/keys/secrets";
import { storedSecretColumns, type StoredSecretColumn } from "@/lib/keys/stored-secrets";
import { secondDotField } from "@/db/portable-sql";

/*
 * Moving stored data to the ring's newest key (OWASP ASVS 5.0 V11.2.2: keys
 * can be replaced and data re-encrypted). Ciphertexts are re-encrypted.
 * Keyed hashes cannot be: recomputing one needs the code it hashes, which is
 * never stored. They are counted instead, so the operator knows when an older
 * key has nothing left that depends on it.
 */

export type ColumnReport = {
  name: string;
  total: number;
  /** Re-encrypted by this run (v1, or v2 under an older key). */
  rekeyed: number;
  /** Already v2 under the newest key. */
  current: number;
  /** Ids of rows no key in the ring can open: tampered with, or under a key no longer configured. */
  unreadable: number[];
};

/** Stored data that still needs one key (or, for `key: null`, an unknown one). */
export type KeyDependency = {
  ciphertexts: number;
  /** Unused recovery codes hashed under the key, and how many users hold them. */
  recoveryCodes: number;
  recoveryCodeUsers: number;
  /** One-time codes hashed under the key that could still be entered (not used, voided or expired). */
  oneTimeCodes: number;
};

export type KeyStatus = KeyDependency & { key: RingKey; newest: boolean; removable: boolean };

export type RekeyReport = {
  columns: ColumnReport[];
  keys: KeyStatus[];
  /** Hashes from before key ids: made under whichever key was APP_ENCRYPTION_KEY then, which cannot be told. */
  withoutKeyId: Omit<KeyDependency, "ciphertexts">;
  /** Hashes naming a key id that is not in the ring: they can no longer be verified. */
  unknownKeyIds: { keyId: string; hashes: number }[];
};

/** Which stored values a pass re-encrypts: all that are not v2 under the newest key, or only the v1 ones. */
type Pass = "all" | "v1";

const isV1 = (stored: string) => stored.startsWith("v1.");

async function rekeyColumn(
  db: Db,
  column: StoredSecretColumn,
  ring: KeyRing,
  write: boolean,
  pass: Pass = "all",
): Promise<ColumnReport> {
  // One transaction per column; "immediate" takes the write lock first, so no request interleaves.
  return await db.transaction(
    async (tx) => {
      const report: ColumnReport = { name: column.name, total: 0, rekeyed: 0, current: 0, unreadable: [] };
      for (const row of await column.rows(tx)) {
        if (pass === "v1" && !isV1(row.stored)) continue;
        report.total++;
        const binding = column.binding(row.id);
        try {
          const opened = openSecret(row.stored, binding, ring, { acceptV1: true });
          if (opened.upToDate) report.current++;
          else if (
            !write ||
            (await column.replace(tx, row.id, row.stored, encryptSecret(opened.plaintext, binding, ring)))
          )
            report.rekeyed++;
        } catch (error) {
          if (!(error instanceof UnreadableSecretError)) throw error;
          report.unreadable.push(row.id);
        }
      }
      return report;
    },
    { behavior: "immediate" },
  );
}

const empty = (): KeyDependency => ({ ciphertexts: 0, recoveryCodes: 0, recoveryCodeUsers: 0, oneTimeCodes: 0 });

/** The key id a stored hash names ("h2.<key id>.<digest>"), in SQL; null for a hash from before key ids. */
const keyIdIn = (column: typeof recoveryCodes.codeHash | typeof oneTimeCodes.codeHash) =>
  sql<string | null>`case when ${column} like 'h2.%.%' then ${secondDotField(column)} end`;

async function dependencies(db: Db, ring: KeyRing, now: Date): Promise<Map<string | null, KeyDependency>> {
  const byKeyId = new Map<string | null, KeyDependency>();
  const at = (keyId: string | null) => byKeyId.get(keyId) ?? byKeyId.set(keyId, empty()).get(keyId)!;
  // Grouped in SQL, so a large table is not read into memory.
  const recovery = await db
    .select({ keyId: keyIdIn(recoveryCodes.codeHash), codes: count(), users: countDistinct(recoveryCodes.userId) })
    .from(recoveryCodes)
    .where(isNull(recoveryCodes.usedAt))
    .groupBy(keyIdIn(recoveryCodes.codeHash));
  for (const row of recovery) {
    at(row.keyId).recoveryCodes += row.codes;
    at(row.keyId).recoveryCodeUsers += row.users;
  }
  const oneTime = await db
    .select({ keyId: keyIdIn(oneTimeCodes.codeHash), codes: count() })
    .from(oneTimeCodes)
    .where(and(isNull(oneTimeCodes.usedAt), isNull(oneTimeCodes.voidedAt), gt(oneTimeCodes.expiresAt, now)))
    .groupBy(keyIdIn(oneTimeCodes.codeHash));
  for (const row of oneTime) at(row.keyId).oneTimeCodes += row.codes;
  for (const column of storedSecretColumns) {
    for (const row of await column.rows(db)) {
      try {
        at(openSecret(row.stored, column.binding(row.id), ring, { acceptV1: true }).key.id).ciphertexts++;
      } catch (error) {
        if (!(error instanceof UnreadableSecretError)) throw error;
      }
    }
  }
  return byKeyId;
}

/** Which stored data depends on which key, without changing anything. */
async function keyDependencies(db: Db, ring: KeyRing, now: Date): Promise<Omit<RekeyReport, "columns">> {
  const byKeyId = await dependencies(db, ring, now);
  const { ciphertexts: _none, ...withoutKeyId } = byKeyId.get(null) ?? empty();
  const legacyHashes = withoutKeyId.recoveryCodes + withoutKeyId.oneTimeCodes;
  const keys = ring.keys.map((key): KeyStatus => {
    const dependency = byKeyId.get(key.id) ?? empty();
    const newest = key === ring.current;
    const needed = dependency.ciphertexts + dependency.recoveryCodes + dependency.oneTimeCodes > 0;
    // A hash without a key id might be under any older key: none is removable while one is left.
    return { key, newest, ...dependency, removable: !newest && !needed && legacyHashes === 0 };
  });
  const unknownKeyIds = [...byKeyId.entries()]
    .filter(([keyId]) => keyId !== null && !ring.byId(keyId))
    .map(([keyId, dependency]) => ({ keyId: keyId!, hashes: dependency.recoveryCodes + dependency.oneTimeCodes }));
  return { keys, withoutKeyId, unknownKeyIds };
}

/**
 * Re-encrypts every stored secret under the ring's newest key (v2, bound to
 * its row), then reports what still depends on each key. Running it again
 * changes nothing. `write: false` only reports what it would do.
 */
export async function rekeyStoredSecrets(
  db: Db,
  ring: KeyRing,
  { write = true, now = new Date() } = {},
): Promise<RekeyReport> {
  // One column after another: each is a transaction that holds the write lock.
  const columns: ColumnReport[] = [];
  for (const column of storedSecretColumns) columns.push(await rekeyColumn(db, column, ring, write));
  return { columns, ...(await keyDependencies(db, ring, now)) };
}

/**
 * Run when the server starts, before any request: re-encrypts the v1 values
 * (from before key rings, bound to no row) as v2 under the newest key and
 * bound to their row, since the server itself reads only v2
 * (lib/keys/secrets.ts OpenOptions). v2 values under older keys are left for
 * `npm run keys:rekey`, which the operator runs once every server has the new ring.
 */
export async function upgradeV1Secrets(db: Db, ring: KeyRing): Promise<ColumnReport[]> {
  const columns: ColumnReport[] = [];
  for (const column of storedSecretColumns) columns.push(await rekeyColumn(db, column, ring, true, "v1"));
  return columns;
}
