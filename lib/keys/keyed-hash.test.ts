import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createKeyRing } from "@/lib/keys/key-ring";
import { keyedHash, keyedHashCandidates, keyIdOfHash, verifyKeyedHash } from "@/lib/keys/keyed-hash";

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ringA = createKeyRing([keyA]);
const ringBA = createKeyRing([keyB, keyA]);
const message = "recovery-code:abcdefghjkmn";
/** What the code stored before key ids: HMAC-SHA256 under the raw APP_ENCRYPTION_KEY. */
const legacy = (key: Buffer) => crypto.createHmac("sha256", key).update(message).digest("base64url");

describe("keyed hashes", () => {
  it("are h2.<key id>.<digest> under the key derived for their purpose, not the configured key", () => {
    const stored = keyedHash(ringA, "recovery-code", message);
    expect(stored).toMatch(new RegExp(`^h2\\.${ringA.current.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(keyIdOfHash(stored)).toBe(ringA.current.id);
    expect(stored).not.toContain(legacy(keyA));
    // The same message hashed for another purpose differs: each HMAC has its own key.
    expect(keyedHash(ringA, "one-time-code", message)).not.toBe(stored);
    expect(verifyKeyedHash(ringA, "one-time-code", message, stored)).toBe(false);
  });

  it("verify with the key their id names, and fail for another message or a key not in the ring", () => {
    const stored = keyedHash(ringA, "recovery-code", message);
    expect(verifyKeyedHash(ringA, "recovery-code", message, stored)).toBe(true);
    expect(verifyKeyedHash(ringBA, "recovery-code", message, stored)).toBe(true);
    expect(verifyKeyedHash(ringA, "recovery-code", `${message}x`, stored)).toBe(false);
    expect(verifyKeyedHash(createKeyRing([keyB]), "recovery-code", message, stored)).toBe(false);
    // Relabelled with B's id, A's digest does not verify.
    expect(verifyKeyedHash(ringBA, "recovery-code", message, stored.replace(ringA.current.id, ringBA.current.id))).toBe(
      false,
    );
  });

  it("still verify a legacy hash without key id under any key in the ring, and no other", () => {
    expect(keyIdOfHash(legacy(keyA))).toBeNull();
    expect(verifyKeyedHash(ringA, "recovery-code", message, legacy(keyA))).toBe(true);
    expect(verifyKeyedHash(ringBA, "recovery-code", message, legacy(keyA))).toBe(true);
    expect(verifyKeyedHash(createKeyRing([keyB]), "recovery-code", message, legacy(keyA))).toBe(false);
  });

  it("offer every stored form of a value for lookups: under each key in the ring, old format included", () => {
    const candidates = keyedHashCandidates(ringBA, "recovery-code", message);
    expect(candidates).toEqual([
      keyedHash(ringBA, "recovery-code", message),
      keyedHash(ringA, "recovery-code", message),
      legacy(keyB),
      legacy(keyA),
    ]);
  });
});
