import { describe, expect, it } from "vitest";
import { signInProtectionSchema } from "@/lib/organisations/sign-in-protection";

const defaults = {
  passwordFailureLimit: "10",
  accountFailureLimit: "100",
  secondFactorFailureLimit: "10",
  failureWindowMinutes: "15",
  secondFactorLockoutLimit: "100",
};

/** The first error for the changed field, or "ok". */
function verdict(change: Partial<typeof defaults>): string {
  const result = signInProtectionSchema.safeParse({ ...defaults, ...change });
  return result.success ? "ok" : result.error.issues[0]!.message;
}

describe("sign-in protection settings stay within safe bounds", () => {
  it.each([
    [{}, "ok"],
    [{ passwordFailureLimit: "3" }, "ok"],
    [{ passwordFailureLimit: "2" }, "Use at least 3 wrong passwords."],
    [{ passwordFailureLimit: "101" }, "Use at most 100 wrong passwords."],
    [{ passwordFailureLimit: "5.5" }, "Enter a whole number of wrong passwords."],
    [{ passwordFailureLimit: "lots" }, "Enter a number of wrong passwords."],
    [{ accountFailureLimit: "19" }, "Use at least 20 wrong passwords."],
    [{ accountFailureLimit: "1001" }, "Use at most 1000 wrong passwords."],
    [{ passwordFailureLimit: "50", accountFailureLimit: "40" }, "Use at least as many as for one account and address."],
    [{ secondFactorFailureLimit: "2" }, "Use at least 3 wrong codes."],
    [{ failureWindowMinutes: "0" }, "Use at least 1 minute."],
    [{ failureWindowMinutes: "1441" }, "Use at most 1440 minutes."],
    [{ secondFactorLockoutLimit: "9" }, "Use at least 10 wrong codes."],
    [{ secondFactorLockoutLimit: "101" }, "Use at most 100 wrong codes."],
    [
      { secondFactorFailureLimit: "50", secondFactorLockoutLimit: "40" },
      "Use at least as many as the wrong codes allowed within the failure window.",
    ],
  ])("%o → %s", (change, expected) => {
    expect(verdict(change)).toBe(expected);
  });
});
