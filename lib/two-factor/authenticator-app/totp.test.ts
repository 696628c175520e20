import { describe, expect, it } from "vitest";
import {
  generateTotpSecret,
  groupSecret,
  matchTotpStep,
  normaliseSixDigitCode,
  totpCodeAt,
  totpUri,
} from "@/lib/two-factor/authenticator-app/totp";

// RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" (ASCII), in base32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
// The RFC's 8-digit values at its test times, and their 6-digit truncations.
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP", () => {
  it.each(RFC_VECTORS)("accepts RFC 6238's SHA-1 vector at T=%i", async (seconds, eightDigits) => {
    const now = new Date(seconds * 1000);
    const code = eightDigits.slice(-6);
    expect(totpCodeAt(RFC_SECRET, now)).toBe(code);
    expect(await matchTotpStep(RFC_SECRET, code, { now })).toBe(Math.floor(seconds / 30));
  });

  it("makes 160-bit base32 secrets, all different", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it("accepts one step of drift either side, not two", async () => {
    const secret = generateTotpSecret();
    const now = new Date("2026-05-05T10:00:15Z");
    const step = Math.floor(now.getTime() / 30_000);
    for (const offset of [-1, 0, 1]) {
      const code = totpCodeAt(secret, new Date(now.getTime() + offset * 30_000));
      expect(await matchTotpStep(secret, code, { now })).toBe(step + offset);
    }
    for (const offset of [-2, 2]) {
      const code = totpCodeAt(secret, new Date(now.getTime() + offset * 30_000));
      expect(await matchTotpStep(secret, code, { now })).toBeNull();
    }
  });

  it("refuses a step at or before the last one used", async () => {
    const secret = generateTotpSecret();
    const now = new Date("2026-05-05T10:00:15Z");
    const step = (await matchTotpStep(secret, totpCodeAt(secret, now), { now }))!;
    expect(await matchTotpStep(secret, totpCodeAt(secret, now), { now, afterStep: step })).toBeNull();
    const next = new Date(now.getTime() + 30_000);
    expect(await matchTotpStep(secret, totpCodeAt(secret, next), { now: next, afterStep: step })).toBe(step + 1);
  });

  it("treats a code after a server clock step backwards as wrong, not as an error", async () => {
    const secret = generateTotpSecret();
    const now = new Date("2026-05-05T10:00:15Z");
    const lastUsed = Math.floor(now.getTime() / 30_000) + 5;
    expect(await matchTotpStep(secret, totpCodeAt(secret, now), { now, afterStep: lastUsed })).toBeNull();
  });

  it("ignores spaces and dashes, and treats anything else as a wrong code", async () => {
    const secret = generateTotpSecret();
    const now = new Date();
    const code = totpCodeAt(secret, now);
    expect(await matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, { now })).not.toBeNull();
    expect(await matchTotpStep(secret, `${code.slice(0, 3)}-${code.slice(3)}`, { now })).not.toBeNull();
    expect(normaliseSixDigitCode("12345a")).toBeNull();
    expect(normaliseSixDigitCode("1234567")).toBeNull();
    expect(normaliseSixDigitCode("")).toBeNull();
    expect(await matchTotpStep(secret, "'; drop table users; --", { now })).toBeNull();
    expect(await matchTotpStep(secret, "x".repeat(10_000), { now })).toBeNull();
  });

  it("names issuer and account in the otpauth URI", () => {
    const uri = totpUri({ issuer: "Acme & Co", account: "ada@acme.test", secret: "JBSWY3DPEHPK3PXP" });
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.host).toBe("totp");
    expect(decodeURIComponent(parsed.pathname)).toBe("/Acme & Co:ada@acme.test");
    expect(parsed.searchParams.get("issuer")).toBe("Acme & Co");
    expect(parsed.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(groupSecret("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
  });
});
