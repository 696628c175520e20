import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Executor } from "@/db";
import { passkeys, type PasskeyDeviceType } from "@/db/schema";

/** A user may keep this many passkeys: plenty for every device and a spare key, and a bound on the work. */
export const MAX_PASSKEYS_PER_USER = 20;
export const PASSKEY_NAME_MAX_LENGTH = 60;

/**
 * SQL: whether the user has a passkey. For queries over `users`, written with
 * explicit table names (see roleRequiresTwoFactorSql).
 */
export const hasPasskeySql = sql<number>`exists (
  select 1 from "passkeys" where "passkeys"."user_id" = "users"."id"
)`;

/** What the profile shows of a passkey: never its key. */
export type PasskeySummary = {
  id: number;
  name: string;
  /** Synced passkey (copied between devices by a password manager or platform) or bound to one device. */
  synced: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
};

/**
 * The one meaning of "synced", for the profile and the admin page alike: the
 * credential is backup-eligible (the authenticator data's BE flag, which
 * SimpleWebAuthn reports as credentialDeviceType "multi_device" and we store
 * as deviceType). Eligibility is what the authenticator is and never changes
 * (WebAuthn Level 3 §6.1.3); the backup state (BS, `backedUp`) can flip from
 * one sign-in to the next, so a key would change kind under the user's eyes.
 */
export function isSynced(row: { deviceType: PasskeyDeviceType }): boolean {
  return row.deviceType === "multi_device";
}

export async function passkeysOfUser(db: Executor, userId: number): Promise<PasskeySummary[]> {
  const rows = await db
    .select({
      id: passkeys.id,
      name: passkeys.name,
      deviceType: passkeys.deviceType,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
    })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id));
  return rows.map(({ deviceType, ...row }) => ({ ...row, synced: isSynced({ deviceType }) }));
}

export async function passkeyCount(db: Executor, userId: number): Promise<number> {
  return (await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId)))[0]?.n ?? 0;
}

/** The credentials a ceremony names to the browser (excluded at registration, allowed at the second step). */
export async function credentialDescriptorsOfUser(
  db: Executor,
  userId: number,
): Promise<{ id: string; transports: string[] }[]> {
  return await db
    .select({ id: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, userId));
}

/** Renames one of the user's own passkeys; false when the id is not theirs. */
export async function renamePasskey(db: Executor, userId: number, passkeyId: number, name: string): Promise<boolean> {
  const renamed = await db
    .update(passkeys)
    .set({ name })
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id });
  return renamed.length > 0;
}

/** Removes one of the user's own passkeys; its name when it was theirs, else null. */
export async function removePasskey(db: Executor, userId: number, passkeyId: number): Promise<string | null> {
  const [removed] = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
    .returning({ name: passkeys.name });
  return removed?.name ?? null;
}
