import { describe, expect, it } from "vitest";
import { TWO_FACTOR_POLICIES, TWO_FACTOR_REQUIREMENTS } from "@/db/schema";
import { effectiveTwoFactorRequirement, type RequirementInput } from "@/lib/two-factor/policy/requirement";

const now = new Date("2026-09-01T00:00:00Z");
const DAY = 86_400_000;
const base: RequirementInput = {
  isApiAccount: false,
  isSsoUser: false,
  userOverride: "default",
  roleRequiresTwoFactor: false,
  organisationPolicy: "optional",
  graceDays: 0,
  requiredSince: null,
  now,
};

/** What every combination of API account, override, role and policy must give (grace aside). */
function expected(apiAccount: boolean, override: string, role: boolean, policy: string): string {
  if (apiAccount) return "exempt";
  if (policy === "disabled") return "disabled";
  if (override === "disabled") return "disabled";
  if (override === "optional") return "optional";
  if (override === "required" || role || policy === "required") return "required";
  return "optional";
}

describe("effectiveTwoFactorRequirement", () => {
  const table = [true, false].flatMap((isApiAccount) =>
    TWO_FACTOR_REQUIREMENTS.flatMap((userOverride) =>
      [true, false].flatMap((roleRequiresTwoFactor) =>
        TWO_FACTOR_POLICIES.map((organisationPolicy) => ({ isApiAccount, userOverride, roleRequiresTwoFactor, organisationPolicy })),
      ),
    ),
  );

  it("covers all 48 combinations", () => expect(table).toHaveLength(48));

  it.each(table)("api=$isApiAccount override=$userOverride role=$roleRequiresTwoFactor policy=$organisationPolicy", (row) => {
    const result = effectiveTwoFactorRequirement({ ...base, ...row });
    expect(result.level).toBe(expected(row.isApiAccount, row.userOverride, row.roleRequiresTwoFactor, row.organisationPolicy));
    if (result.level === "required") expect(result.graceUntil).toBeNull();
  });

  it.each([
    { graceDays: 7, requiredSince: null, graceUntil: new Date(now.getTime() + 7 * DAY) },
    { graceDays: 7, requiredSince: new Date(now.getTime() - 3 * DAY), graceUntil: new Date(now.getTime() + 4 * DAY) },
    { graceDays: 7, requiredSince: new Date(now.getTime() - 7 * DAY), graceUntil: null },
    { graceDays: 7, requiredSince: new Date(now.getTime() - 30 * DAY), graceUntil: null },
    { graceDays: 0, requiredSince: new Date(now.getTime() - 1 * DAY), graceUntil: null },
  ])("gives newly required users the grace period: $graceDays days, since $requiredSince", ({ graceDays, requiredSince, graceUntil }) => {
    expect(effectiveTwoFactorRequirement({ ...base, organisationPolicy: "required", graceDays, requiredSince })).toEqual({
      level: "required",
      graceUntil,
    });
  });

  it.each(TWO_FACTOR_POLICIES)("exempts SSO users, whose identity provider asks for the second factor (policy %s)", (organisationPolicy) => {
    expect(effectiveTwoFactorRequirement({ ...base, isSsoUser: true, organisationPolicy, userOverride: "required", roleRequiresTwoFactor: true })).toEqual({
      level: "exempt",
      reason: "sso",
    });
  });

  it("gives no grace where 2FA is not required", () => {
    expect(effectiveTwoFactorRequirement({ ...base, graceDays: 7 })).toEqual({ level: "optional" });
  });
});
