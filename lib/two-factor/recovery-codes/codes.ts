import { changedRows, type Db, type Executor } from "@/db";
import crypto from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { recoveryCodes } from "@/db/schema";
import { keyedHash, keyedHashCandidates } from "@/lib/keys/keyed-hash";
import type { KeyRing } from "@/lib/keys/key-ring";

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: codes are read off paper. 12 characters of 31 carry 59 bits.
const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const CODE_LENGTH = 12;

function generateRecoveryCode(): string {
  const characters = Array.from({ length: CODE_LENGTH }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]);
  return characters.join("").replace(/(.{4})(?=.)/g, "$1-");
}

/** "ABCD efgh-JKMN" → "abcdefghjkmn"; null when it cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, "").toLowerCase();
  return code.length === CODE_LENGTH && [...code].every((character) => ALPHABET.includes(character)) ? code : null;
}

const hashInput = (normalisedCode: string) => `recovery-code:${normalisedCode}`;

/**
 * Keyed with the server's secret: a copy of the database alone is not enough
 * to search the codes offline. Under the ring's newest key, named in the hash.
 */
export function hashRecoveryCode(normalisedCode: string, keys: KeyRing): string {
  return keyedHash(keys, "recovery-code", hashInput(normalisedCode));
}

/** Replaces a user's codes with a new set and returns them, to be shown once. */
export async function replaceRecoveryCodes(
  db: Executor,
  userId: number,
  keys: KeyRing,
  now = new Date(),
): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db
    .insert(recoveryCodes)
    .values(
      codes.map((code) => ({ userId, codeHash: hashRecoveryCode(normaliseRecoveryCode(code)!, keys), createdAt: now })),
    );
  return codes;
}

/**
 * Spends a recovery code. The conditional update is atomic, so one code
 * cannot be spent twice, however many requests race for it. A set issued
 * under an older key in the ring, or before key ids, still works until used
 * or replaced: it cannot be re-hashed without the codes themselves.
 */
export async function consumeRecoveryCode(
  db: Db,
  userId: number,
  input: string,
  keys: KeyRing,
  now = new Date(),
): Promise<boolean> {
  const code = normaliseRecoveryCode(input);
  if (!code) return false;
  const spent = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        inArray(recoveryCodes.codeHash, keyedHashCandidates(keys, "recovery-code", hashInput(code))),
        isNull(recoveryCodes.usedAt),
      ),
    );
  return changedRows(spent) === 1;
}

export async function remainingRecoveryCodes(db: Db, userId: number): Promise<number> {
  return (
    await db
      .select({ id: recoveryCodes.id })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
  ).length;
}

/** At or below this many unused codes, the profile, the dashboard and the recovery-code sign-in say so. */
export const FEW_RECOVERY_CODES_LEFT = 3;

/**
 * How many unused recovery codes a user has, and whether that is few enough
 * to warn about. Only users who were given codes (with an authenticator app)
 * are warned: the others never had any to run out of.
 */
export async function recoveryCodeSupply(
  db: Db,
  userId: number,
): Promise<{ issued: boolean; left: number; runningLow: boolean }> {
  const rows = await db
    .select({ usedAt: recoveryCodes.usedAt })
    .from(recoveryCodes)
    .where(eq(recoveryCodes.userId, userId));
  const left = rows.filter((row) => row.usedAt === null).length;
  const issued = rows.length > 0;
  return { issued, left, runningLow: issued && left <= FEW_RECOVERY_CODES_LEFT };
}
