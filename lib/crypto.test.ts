import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, decryptSecret, encryptSecret, hashToken, randomToken } from "@/lib/crypto";

const key = crypto.randomBytes(32);

describe("crypto", () => {
  it("makes tokens of the requested entropy, all different", () => {
    const token = randomToken(32);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(new Set(Array.from({ length: 100 }, () => randomToken())).size).toBe(100);
  });

  it("hashes tokens deterministically and irreversibly", () => {
    expect(hashToken("abc")).toBe(hashToken("abc"));
    expect(hashToken("abc")).not.toContain("abc");
  });

  it("compares strings", () => {
    expect(constantTimeEqual("123456", "123456")).toBe(true);
    expect(constantTimeEqual("123456", "123457")).toBe(false);
    expect(constantTimeEqual("123456", "1234567")).toBe(false);
  });

  it("encrypts secrets so the ciphertext reveals nothing and round-trips", () => {
    const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    const encrypted = encryptSecret(secret, key);
    expect(encrypted).not.toContain(secret);
    expect(encryptSecret(secret, key)).not.toBe(encrypted);
    expect(decryptSecret(encrypted, key)).toBe(secret);
  });

  it("refuses tampered ciphertext and the wrong key", () => {
    const encrypted = encryptSecret("secret", key);
    const parts = encrypted.split(".");
    const ciphertext = Buffer.from(parts[3]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow();
    expect(() => decryptSecret(encrypted, crypto.randomBytes(32))).toThrow();
  });
});
