import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { passkeys } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import { createKeyRing } from "@/lib/keys/key-ring";
import {
  consumeRecoveryCode,
  remainingRecoveryCodes,
  replaceRecoveryCodes,
} from "@/lib/two-factor/recovery-codes/codes";
import { recoveryCodesForFirstPasskey } from "@/lib/two-factor/recovery-codes/first-passkey";

const keys = createKeyRing([crypto.randomBytes(32)]);

async function addPasskey(db: Db, userId: number, name: string) {
  await db.insert(passkeys).values({
    userId,
    credentialId: crypto.randomBytes(16).toString("base64url"),
    publicKey: crypto.randomBytes(32).toString("base64url"),
    deviceType: "single_device",
    name,
  });
}

describe("recovery codes with the first passkey", () => {
  it("gives a user with no codes a set with their first passkey, and those codes work", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    await addPasskey(db, user.id, "Key");
    const codes = await recoveryCodesForFirstPasskey(db, user.id, keys);
    expect(codes).toHaveLength(10);
    expect(await remainingRecoveryCodes(db, user.id)).toBe(10);
    expect(await consumeRecoveryCode(db, user.id, codes![0]!, keys)).toBe(true);
  });

  it("leaves the codes of a user who already has unused ones", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const existing = await db.transaction(async (tx) => await replaceRecoveryCodes(tx, user.id, keys));
    await addPasskey(db, user.id, "Key");
    expect(await recoveryCodesForFirstPasskey(db, user.id, keys)).toBeNull();
    expect(await consumeRecoveryCode(db, user.id, existing[0]!, keys)).toBe(true);
  });

  it("gives none with a second passkey", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    await addPasskey(db, user.id, "One");
    await addPasskey(db, user.id, "Two");
    expect(await recoveryCodesForFirstPasskey(db, user.id, keys)).toBeNull();
    expect(await remainingRecoveryCodes(db, user.id)).toBe(0);
  });
});
