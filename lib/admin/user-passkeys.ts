import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { passkeys } from "@/db/schema";
import { passkeysOfUser as ownPasskeysOfUser } from "@/lib/webauthn/passkeys";

/** One passkey as an administrator sees it: never its key or credential id. */
export type PasskeyView = {
  id: number;
  name: string;
  /** A synced passkey (backup-eligible, lib/webauthn/passkeys.ts isSynced) or a key bound to one device. */
  kind: "synced" | "device_bound";
  createdAt: Date;
  lastUsedAt: Date | null;
};

export const PASSKEY_KIND_LABELS: Record<PasskeyView["kind"], string> = {
  synced: "Synced passkey",
  device_bound: "Device-bound key",
};

/** The user's passkeys and security keys, oldest first: the profile's list, "synced" meaning the same (isSynced). */
export async function passkeysOfUser(db: Executor, userId: number): Promise<PasskeyView[]> {
  return (await ownPasskeysOfUser(db, userId)).map(({ synced, ...passkey }) => ({
    ...passkey,
    kind: synced ? "synced" : "device_bound",
  }));
}

/**
 * Deletes one passkey, only if it is `userId`'s: a passkey id of anyone else
 * deletes nothing. Returns its name, or null when there was none to delete.
 */
export async function deletePasskeyOfUser(
  tx: Executor,
  userId: number,
  passkeyId: number,
): Promise<{ name: string } | null> {
  const deleted = await tx
    .delete(passkeys)
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
    .returning({ name: passkeys.name });
  return deleted[0] ?? null;
}

/**
 * Every passkey of the user (a reset of two-factor authentication, or an
 * administrator turning it off): the ones deleted, for the audit log.
 */
export async function deletePasskeysOfUser(tx: Executor, userId: number): Promise<Array<{ id: number; name: string }>> {
  return await tx
    .delete(passkeys)
    .where(eq(passkeys.userId, userId))
    .returning({ id: passkeys.id, name: passkeys.name });
}
