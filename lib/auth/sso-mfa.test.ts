import { describe, expect, it } from "vitest";
import { amrForAudit, assertsMultiFactor } from "@/lib/auth/sso-mfa";

describe("whether the identity provider's amr shows multi-factor authentication", () => {
  // Expected column written out literally, not computed from the rule.
  const cases: Array<[unknown, boolean]> = [
    [["mfa"], true],
    [["pwd", "mfa"], true],
    [["pwd", "otp"], true],
    [["pwd", "hwk"], true],
    [["pwd", "sms"], true],
    [["hwk", "pin"], true],
    [["swk", "fpt"], true],
    [["face", "pwd"], true],
    [["sc", "pin"], true],
    [["pwd"], false],
    [["otp"], false],
    [["hwk"], false],
    [["pwd", "kba"], false],
    [["pwd", "pin"], false],
    [["otp", "sms"], false],
    [["hwk", "swk"], false],
    [["fpt", "face"], false],
    [["pwd", "pwd"], false],
    [["pwd", "mca"], false],
    [["pwd", "rba"], false],
    [["pwd", "geo"], false],
    [["pwd", "user"], false],
    [["wia"], false],
    [["pwd", "OTP"], false],
    [["MFA"], false],
    [["pwd", "otp-like"], false],
    [[], false],
    [undefined, false],
    [null, false],
    ["mfa", false],
    ["pwd otp", false],
    [{ 0: "mfa" }, false],
    [[1, 2], false],
    [[["mfa"]], false],
  ];
  it.each(cases)("%j → %s", (amr, multiFactor) => {
    expect(assertsMultiFactor(amr)).toBe(multiFactor);
  });

  it("reads only the first 32 values", () => {
    expect(assertsMultiFactor([...Array(32).fill("pwd"), "otp"])).toBe(false);
    expect(assertsMultiFactor([...Array(31).fill("pwd"), "otp"])).toBe(true);
  });

  it("keeps a short, string-only copy for the audit log", () => {
    expect(amrForAudit(["pwd", 7, "x".repeat(40)])).toBe(`pwd ${"x".repeat(16)}`);
    expect(amrForAudit(undefined)).toBe("(none)");
    expect(amrForAudit([])).toBe("(none)");
  });
});
