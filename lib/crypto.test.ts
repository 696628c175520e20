import { describe, expect, it } from "vitest";
import { constantTimeEqual, hashToken, randomToken } from "@/lib/crypto";

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
});
