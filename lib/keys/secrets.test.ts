import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { duoSecretKeyBinding, totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing } from "@/lib/keys/key-ring";
import { decryptSecret, encryptSecret, openSecret, UnreadableSecretError } from "@/lib/keys/secrets";

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ringA = createKeyRing([keyA]);
const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const alice = totpSecretBinding(1);

/** What lib/crypto wrote before key rings: v1.<iv>.<tag>.<ciphertext> under the raw key, no associated data. */
function legacyV1(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Replaces one dot-separated part of a stored value. */
function withPart(stored: string, index: number, change: (part: Buffer) => Buffer): string {
  const parts = stored.split(".");
  parts[index] = change(Buffer.from(parts[index]!, "base64url")).toString("base64url");
  return parts.join(".");
}

describe("secrets at rest (AES-256-GCM v2)", () => {
  it("writes v2.<key id>.<iv>.<tag>.<ciphertext> with a 12-byte IV and a 16-byte tag, different every time", () => {
    const stored = encryptSecret(secret, alice, ringA);
    const [version, keyId, iv, tag, ciphertext, ...rest] = stored.split(".");
    expect([version, keyId, rest]).toEqual(["v2", ringA.current.id, []]);
    expect(Buffer.from(iv!, "base64url")).toHaveLength(12);
    expect(Buffer.from(tag!, "base64url")).toHaveLength(16);
    expect(Buffer.from(ciphertext!, "base64url")).toHaveLength(secret.length);
    expect(stored).not.toContain(secret);
    expect(encryptSecret(secret, alice, ringA)).not.toBe(stored);
    expect(decryptSecret(stored, alice, ringA)).toBe(secret);
  });

  it("encrypts under the derived key, not the configured one", () => {
    const [, , iv, tag, ciphertext] = encryptSecret(secret, alice, ringA).split(".");
    const underMaster = crypto.createDecipheriv("aes-256-gcm", keyA, Buffer.from(iv!, "base64url"), {
      authTagLength: 16,
    });
    underMaster.setAAD(Buffer.from(`v2.${ringA.current.id}|${alice}`));
    underMaster.setAuthTag(Buffer.from(tag!, "base64url"));
    underMaster.update(Buffer.from(ciphertext!, "base64url"));
    expect(() => underMaster.final()).toThrow();
  });

  it("refuses a truncated tag (4 or 12 bytes) that Node would otherwise check only in part", () => {
    const stored = encryptSecret(secret, alice, ringA);
    for (const bytes of [4, 12, 15]) {
      expect(() =>
        decryptSecret(
          withPart(stored, 3, (tag) => tag.subarray(0, bytes)),
          alice,
          ringA,
        ),
      ).toThrow(UnreadableSecretError);
    }
    const legacy = legacyV1(secret, keyA);
    expect(() =>
      decryptSecret(
        withPart(legacy, 2, (tag) => tag.subarray(0, 4)),
        alice,
        ringA,
      ),
    ).toThrow(UnreadableSecretError);
    // A longer tag is no better.
    expect(() =>
      decryptSecret(
        withPart(stored, 3, (tag) => Buffer.concat([tag, Buffer.alloc(1)])),
        alice,
        ringA,
      ),
    ).toThrow(UnreadableSecretError);
  });

  it("binds each ciphertext to its row and column: copied to another row or column, it does not decrypt", () => {
    const bobsRow = totpSecretBinding(2);
    const stored = encryptSecret(secret, alice, ringA);
    expect(() => decryptSecret(stored, bobsRow, ringA)).toThrow(UnreadableSecretError);
    expect(() => decryptSecret(stored, duoSecretKeyBinding(1), ringA)).toThrow(UnreadableSecretError);
    const duo = encryptSecret("duo-secret", duoSecretKeyBinding(7), ringA);
    expect(decryptSecret(duo, duoSecretKeyBinding(7), ringA)).toBe("duo-secret");
    expect(() => decryptSecret(duo, duoSecretKeyBinding(8), ringA)).toThrow(UnreadableSecretError);
  });

  it("refuses tampering with the ciphertext, the IV, the tag, the key id or the version", () => {
    const stored = encryptSecret(secret, alice, ringA);
    const flip = (part: Buffer) => Buffer.from(part.map((byte, index) => (index === 0 ? byte ^ 1 : byte)));
    for (const index of [2, 3, 4])
      expect(() => decryptSecret(withPart(stored, index, flip), alice, ringA)).toThrow(UnreadableSecretError);
    const otherKey = createKeyRing([keyB]);
    const ringBA = createKeyRing([keyB, keyA]);
    // Relabelled with another key id in the ring: that key cannot open it.
    expect(() => decryptSecret(stored.replace(ringA.current.id, otherKey.current.id), alice, ringBA)).toThrow(
      UnreadableSecretError,
    );
    expect(() => decryptSecret(stored.replace(/^v2/, "v3"), alice, ringA)).toThrow(/Unrecognised/);
    expect(() => decryptSecret(`${stored}.extra`, alice, ringA)).toThrow(UnreadableSecretError);
    expect(() => decryptSecret(stored.replace(/\.([^.]+)$/, ".%%%"), alice, ringA)).toThrow(UnreadableSecretError);
    expect(() => decryptSecret("", alice, ringA)).toThrow(UnreadableSecretError);
  });

  it("refuses a ciphertext under a key that is not in the ring, saying which key id it names", () => {
    const stored = encryptSecret(secret, alice, ringA);
    expect(() => decryptSecret(stored, alice, createKeyRing([keyB]))).toThrow(new RegExp(`key id ${ringA.current.id}`));
  });
});

describe("rotation", () => {
  it("reads data under key A with the ring [B, A], and writes new data under B", () => {
    const underA = encryptSecret(secret, alice, ringA);
    const ringBA = createKeyRing([keyB, keyA]);
    expect(openSecret(underA, alice, ringBA)).toMatchObject({
      plaintext: secret,
      upToDate: false,
      key: { id: ringA.current.id },
    });
    const underB = encryptSecret(secret, alice, ringBA);
    expect(underB.split(".")[1]).toBe(ringBA.current.id);
    expect(openSecret(underB, alice, ringBA)).toMatchObject({ plaintext: secret, upToDate: true });
    expect(() => decryptSecret(underB, alice, ringA)).toThrow(UnreadableSecretError);
  });

  it("the upgrade still reads a legacy v1 value (raw key, no associated data) while its key is anywhere in the ring", () => {
    const legacy = legacyV1(secret, keyA);
    const upgrade = { acceptV1: true };
    expect(openSecret(legacy, alice, ringA, upgrade).plaintext).toBe(secret);
    expect(openSecret(legacy, alice, createKeyRing([keyB, keyA]), upgrade)).toMatchObject({
      plaintext: secret,
      upToDate: false,
    });
    expect(() => openSecret(legacy, alice, createKeyRing([keyB]), upgrade)).toThrow(UnreadableSecretError);
    const tampered = withPart(legacy, 3, (part) =>
      Buffer.from(part.map((byte, index) => (index === 0 ? byte ^ 1 : byte))),
    );
    expect(() => openSecret(tampered, alice, ringA, upgrade)).toThrow(UnreadableSecretError);
  });

  it("the server refuses a v1 value: it is bound to no row, so one copied in from another row or an old backup would hand over that secret", () => {
    // The attacker with write access to the database: their own authenticator secret, written as v1 before the upgrade, pasted into Bob's row.
    const mallorysOldRow = legacyV1("MALLORYKNOWSTHISSECRETXXXXXXXXXX", keyA);
    expect(() => decryptSecret(mallorysOldRow, totpSecretBinding(2), ringA)).toThrow(UnreadableSecretError);
    expect(() => decryptSecret(mallorysOldRow, alice, createKeyRing([keyB, keyA]))).toThrow(/v1/);
  });
});
