import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { organisations, recoveryCodes, totpCredentials } from "@/db/schema";
import { duoSecretKeyBinding, totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing } from "@/lib/keys/key-ring";
import { rekeyStoredSecrets, upgradeV1Secrets } from "@/lib/keys/rekey";
import { decryptSecret, encryptSecret } from "@/lib/keys/secrets";
import {
  startAuthenticatorEnrolment,
  confirmAuthenticatorEnrolment,
  verifyAuthenticatorCode,
} from "@/lib/two-factor/authenticator-app/credentials";
import { checkCode, CODE_LIFETIME_MS, issueCode } from "@/lib/two-factor/sent-codes/codes";
import { consumeRecoveryCode, replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { generateTotpSecret, totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { insertUser, testDatabase } from "@/test/db";

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ringA = createKeyRing([keyA]);
const ringBA = createKeyRing([keyB, keyA]);
const ringB = createKeyRing([keyB]);
const start = new Date("2026-06-01T12:00:10Z");
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

/** Stored the way Twofold did before key rings: v1 under the raw key, recovery codes hashed with the raw key. */
function legacyV1(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"))].join(".");
}
const legacyRecoveryHash = (code: string, key: Buffer) =>
  crypto.createHmac("sha256", key).update(`recovery-code:${code}`).digest("base64url");

describe("rotating from key A to key B", () => {
  let db: Db;
  let modern: { id: number; organisationId: number; secret: string; recoveryCodes: string[] };
  let legacy: { id: number; secret: string; recoveryCode: string };
  let sentCode: string;

  beforeEach(async () => {
    db = testDatabase();
    // Enrolled under ring [A]: v2 secret and h2 recovery codes under A.
    const user = await insertUser(db);
    const started = await startAuthenticatorEnrolment(db, user.id, ringA, start);
    if (!started.ok) throw new Error("not started");
    const confirmed = await confirmAuthenticatorEnrolment(db, user.id, totpCodeAt(started.secret, start), ringA, start);
    if (!confirmed.ok) throw new Error(confirmed.reason);
    modern = { ...user, secret: started.secret, recoveryCodes: confirmed.recoveryCodes };
    // Enrolled before key rings: v1 secret and un-prefixed hashes under the raw key A.
    const old = await insertUser(db, { organisationId: user.organisationId });
    const secret = generateTotpSecret();
    await db
      .insert(totpCredentials)
      .values({ userId: old.id, secretEncrypted: legacyV1(secret, keyA), confirmedAt: start });
    await db
      .insert(recoveryCodes)
      .values({ userId: old.id, codeHash: legacyRecoveryHash("abcdefghjkmn", keyA), createdAt: start });
    legacy = { id: old.id, secret, recoveryCode: "abcd-efgh-jkmn" };
    await db
      .update(organisations)
      .set({
        duoSecretKeyEncrypted: encryptSecret("duo-client-secret", duoSecretKeyBinding(user.organisationId), ringA),
      })
      .where(eq(organisations.id, user.organisationId));
    const sent = await issueCode(db, {
      userId: modern.id,
      organisationId: modern.organisationId,
      sessionTokenHash: "session",
      purpose: "second_factor",
      plan: { channel: "email", destination: "ada@example.com", emailFallback: null },
      smsHourlyLimit: 10,
      keys: ringA,
      now: start,
    });
    if (!sent.ok) throw new Error(sent.reason);
    sentCode = sent.code;
  });

  const duoSecret = async (ring: typeof ringA) => {
    const row = (await db.select().from(organisations).where(eq(organisations.id, modern.organisationId)))[0]!;
    return decryptSecret(row.duoSecretKeyEncrypted!, duoSecretKeyBinding(row.id), ring);
  };

  it("at start, upgrades only the v1 values to v2 bound to their row; the server refuses v1 until then", async () => {
    const v1Row = async () =>
      (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, legacy.id)))[0]!.secretEncrypted;
    const modernBefore = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, modern.id)))[0]!
      .secretEncrypted;
    await expect(
      verifyAuthenticatorCode(db, legacy.id, totpCodeAt(legacy.secret, at(60)), ringBA, at(60)),
    ).rejects.toThrow(/v1/);
    expect(await upgradeV1Secrets(db, ringBA)).toEqual([
      { name: "organisations.duo_secret_key_encrypted", total: 0, rekeyed: 0, current: 0, unreadable: [] },
      { name: "totp_credentials.secret_encrypted", total: 1, rekeyed: 1, current: 0, unreadable: [] },
      { name: "webhooks.secret_encrypted", total: 0, rekeyed: 0, current: 0, unreadable: [] },
    ]);
    expect(await v1Row()).toMatch(new RegExp(`^v2\\.${ringB.current.id}\\.`));
    expect(
      (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, modern.id)))[0]!.secretEncrypted,
    ).toBe(modernBefore);
    expect(await verifyAuthenticatorCode(db, legacy.id, totpCodeAt(legacy.secret, at(60)), ringBA, at(60))).toBe(true);
    expect((await upgradeV1Secrets(db, ringBA))[1]).toMatchObject({ total: 0, rekeyed: 0 });
  });

  it("reads everything written under A, old formats included, once the ring is [B, A]", async () => {
    await upgradeV1Secrets(db, ringBA);
    expect(await verifyAuthenticatorCode(db, modern.id, totpCodeAt(modern.secret, at(60)), ringBA, at(60))).toBe(true);
    expect(await verifyAuthenticatorCode(db, legacy.id, totpCodeAt(legacy.secret, at(60)), ringBA, at(60))).toBe(true);
    expect(await duoSecret(ringBA)).toBe("duo-client-secret");
    // Hashed under A, with a key id or from before key ids: checked only while A is in the ring.
    expect(await consumeRecoveryCode(db, modern.id, modern.recoveryCodes[0]!, ringB, at(60))).toBe(false);
    expect(await consumeRecoveryCode(db, legacy.id, legacy.recoveryCode, ringB, at(60))).toBe(false);
    expect(await consumeRecoveryCode(db, modern.id, modern.recoveryCodes[0]!, ringBA, at(60))).toBe(true);
    expect(await consumeRecoveryCode(db, legacy.id, legacy.recoveryCode, ringBA, at(60))).toBe(true);
    expect(
      (
        await checkCode(db, {
          userId: modern.id,
          sessionTokenHash: "session",
          purpose: "second_factor",
          code: sentCode,
          keys: ringBA,
          now: at(60),
        })
      ).ok,
    ).toBe(true);
    // Without A, none of it can be read.
    await expect(duoSecret(ringB)).rejects.toThrow();
  });

  it("re-encrypts every secret under B, so the ring [B] alone reads them; a second run changes nothing", async () => {
    const first = await rekeyStoredSecrets(db, ringBA, { now: at(10) });
    expect(first.columns).toEqual([
      { name: "organisations.duo_secret_key_encrypted", total: 1, rekeyed: 1, current: 0, unreadable: [] },
      { name: "totp_credentials.secret_encrypted", total: 2, rekeyed: 2, current: 0, unreadable: [] },
      { name: "webhooks.secret_encrypted", total: 0, rekeyed: 0, current: 0, unreadable: [] },
    ]);
    const stored = (await db.select().from(totpCredentials)).map((row) => row.secretEncrypted);
    expect(stored.every((value) => value.startsWith(`v2.${ringB.current.id}.`))).toBe(true);

    const second = await rekeyStoredSecrets(db, ringBA, { now: at(10) });
    expect(second.columns.map(({ rekeyed, current }) => ({ rekeyed, current }))).toEqual([
      { rekeyed: 0, current: 1 },
      { rekeyed: 0, current: 2 },
      { rekeyed: 0, current: 0 },
    ]);
    expect((await db.select().from(totpCredentials)).map((row) => row.secretEncrypted)).toEqual(stored);

    expect(await duoSecret(ringB)).toBe("duo-client-secret");
    expect(await verifyAuthenticatorCode(db, modern.id, totpCodeAt(modern.secret, at(60)), ringB, at(60))).toBe(true);
    expect(await verifyAuthenticatorCode(db, legacy.id, totpCodeAt(legacy.secret, at(60)), ringB, at(60))).toBe(true);
    // Re-encrypted rows stay bound to their own row.
    const [first_, second_] = stored;
    expect(() => decryptSecret(first_!, totpSecretBinding(legacy.id), ringB)).toThrow();
    expect(() => decryptSecret(second_!, totpSecretBinding(modern.id), ringB)).toThrow();
  });

  it("says A is still needed while hashes depend on it, and removable once none do", async () => {
    const report = await rekeyStoredSecrets(db, ringBA, { now: at(10) });
    const [b, a] = report.keys;
    expect(b).toMatchObject({ newest: true, ciphertexts: 3, recoveryCodes: 0, oneTimeCodes: 0, removable: false });
    expect(a).toMatchObject({
      newest: false,
      ciphertexts: 0,
      recoveryCodes: 10,
      recoveryCodeUsers: 1,
      oneTimeCodes: 1,
      removable: false,
    });
    expect(report.withoutKeyId).toEqual({ recoveryCodes: 1, recoveryCodeUsers: 1, oneTimeCodes: 0 });

    // The code expires; both users make new recovery codes, now under B.
    await replaceRecoveryCodes(db, modern.id, ringBA, at(20));
    await replaceRecoveryCodes(db, legacy.id, ringBA, at(20));
    const later = await rekeyStoredSecrets(db, ringBA, { now: new Date(start.getTime() + CODE_LIFETIME_MS + 1) });
    expect(later.keys[1]).toMatchObject({ ciphertexts: 0, recoveryCodes: 0, oneTimeCodes: 0, removable: true });
    expect(later.keys[0]).toMatchObject({ recoveryCodes: 20, recoveryCodeUsers: 2 });
    expect(later.withoutKeyId).toEqual({ recoveryCodes: 0, recoveryCodeUsers: 0, oneTimeCodes: 0 });
  });

  it("a spent recovery code no longer holds its key", async () => {
    const before = (await rekeyStoredSecrets(db, ringBA, { now: at(10) })).withoutKeyId;
    expect(await consumeRecoveryCode(db, legacy.id, legacy.recoveryCode, ringBA, at(10))).toBe(true);
    expect((await rekeyStoredSecrets(db, ringBA, { now: at(10) })).withoutKeyId.recoveryCodes).toBe(
      before.recoveryCodes - 1,
    );
  });

  it("a dry run writes nothing; an unreadable row is reported and left alone", async () => {
    const before = await db.select().from(totpCredentials);
    const dry = await rekeyStoredSecrets(db, ringBA, { write: false, now: at(10) });
    expect(dry.columns[1]).toMatchObject({ rekeyed: 2, current: 0 });
    expect(await db.select().from(totpCredentials)).toEqual(before);

    // Under a key the ring no longer has: cannot be re-keyed, and is named by its row.
    const report = await rekeyStoredSecrets(db, ringB, { now: at(10) });
    expect(report.columns[1]).toMatchObject({ rekeyed: 0, unreadable: [modern.id, legacy.id] });
    expect(await db.select().from(totpCredentials)).toEqual(before);
  });
});
