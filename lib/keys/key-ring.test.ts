import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyRing, keyIdOf } from "@/lib/keys/key-ring";

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);

describe("key ring", () => {
  it("derives separate keys for encryption and for each HMAC, none equal to the master or to each other (HKDF)", () => {
    const [key] = createKeyRing([keyA]).keys;
    const derived = [key!.encryption, key!.hmac("recovery-code"), key!.hmac("one-time-code"), key!.hmac("api-cursor")];
    for (const value of derived) {
      expect(value).toHaveLength(32);
      expect(value.equals(keyA)).toBe(false);
    }
    expect(new Set(derived.map((value) => value.toString("hex"))).size).toBe(4);
    expect(key!.legacy.equals(keyA)).toBe(true);
  });

  it("derives with HKDF-SHA256 under fixed labels, so the same key gives the same keys after a restart", () => {
    const expected = Buffer.from(
      crypto.hkdfSync("sha256", keyA, Buffer.alloc(0), "twofold/aes-256-gcm/secrets/v2", 32),
    );
    expect(createKeyRing([keyA]).current.encryption.equals(expected)).toBe(true);
    expect(
      createKeyRing([keyA])
        .current.hmac("one-time-code")
        .equals(createKeyRing([keyA]).current.hmac("one-time-code")),
    ).toBe(true);
    // Different keys give different derived keys.
    expect(createKeyRing([keyB]).current.encryption.equals(expected)).toBe(false);
  });

  it("names each key with a short stable id that reveals nothing of the key", () => {
    const id = keyIdOf(keyA);
    expect(id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(keyIdOf(Buffer.from(keyA))).toBe(id);
    expect(keyIdOf(keyB)).not.toBe(id);
    // Not a slice of the key, nor of any derived key, in any encoding.
    const ring = createKeyRing([keyA]);
    for (const material of [keyA, ring.current.encryption, ring.current.hmac("recovery-code")]) {
      for (const encoding of ["base64", "base64url", "hex"] as const)
        expect(material.toString(encoding)).not.toContain(id);
    }
  });

  it("writes under the first key, reads by id, and keeps a key listed twice once", () => {
    const ring = createKeyRing([keyB, keyA, Buffer.from(keyB)]);
    expect(ring.current.id).toBe(keyIdOf(keyB));
    expect(ring.keys.map((key) => key.id)).toEqual([keyIdOf(keyB), keyIdOf(keyA)]);
    expect(ring.byId(keyIdOf(keyA))?.legacy.equals(keyA)).toBe(true);
    expect(ring.byId("unknown")).toBeUndefined();
  });

  it("refuses an empty ring and keys of the wrong length", () => {
    expect(() => createKeyRing([])).toThrow(/at least one key/);
    expect(() => createKeyRing([crypto.randomBytes(16)])).toThrow(/32/);
  });
});
