import { describe, expect, it } from "vitest";
import { TWO_FACTOR_POLICIES, TWO_FACTOR_REQUIREMENTS } from "@/db/schema";
import {
  effectiveTwoFactorRequirement,
  type Requirement,
  type RequirementInput,
} from "@/lib/two-factor/policy/requirement";

const now = new Date("2026-09-01T00:00:00Z");
const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);

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

const EXEMPT_API: Requirement = { level: "exempt", reason: "api_account" };
const EXEMPT_SSO: Requirement = { level: "exempt", reason: "sso" };
const DISABLED: Requirement = { level: "disabled" };
const OPTIONAL: Requirement = { level: "optional" };
const REQUIRED_NOW: Requirement = { level: "required", graceUntil: null };

type Row = [
  organisationPolicy: RequirementInput["organisationPolicy"],
  userOverride: RequirementInput["userOverride"],
  roleRequiresTwoFactor: boolean,
  expected: Requirement,
];

/**
 * Every person who signs in with a password: 3 policies × 4 overrides × role or not.
 * The expected column is written out by hand; it is the rule, read row by row.
 */
const PASSWORD_USERS: Row[] = [
  // The organisation disables 2FA: disabled for everyone, whatever the admin or a role says.
  ["disabled", "default", false, DISABLED],
  ["disabled", "default", true, DISABLED],
  ["disabled", "required", false, DISABLED],
  ["disabled", "required", true, DISABLED],
  ["disabled", "optional", false, DISABLED],
  ["disabled", "optional", true, DISABLED],
  ["disabled", "disabled", false, DISABLED],
  ["disabled", "disabled", true, DISABLED],
  // Optional policy: the admin's choice first, then a role that requires 2FA.
  ["optional", "default", false, OPTIONAL],
  ["optional", "default", true, REQUIRED_NOW],
  ["optional", "required", false, REQUIRED_NOW],
  ["optional", "required", true, REQUIRED_NOW],
  ["optional", "optional", false, OPTIONAL],
  ["optional", "optional", true, OPTIONAL],
  ["optional", "disabled", false, DISABLED],
  ["optional", "disabled", true, DISABLED],
  // Required policy: only the admin's per-user choice can relax it.
  ["required", "default", false, REQUIRED_NOW],
  ["required", "default", true, REQUIRED_NOW],
  ["required", "required", false, REQUIRED_NOW],
  ["required", "required", true, REQUIRED_NOW],
  ["required", "optional", false, OPTIONAL],
  ["required", "optional", true, OPTIONAL],
  ["required", "disabled", false, DISABLED],
  ["required", "disabled", true, DISABLED],
];

type ExemptRow = [
  isApiAccount: boolean,
  isSsoUser: boolean,
  organisationPolicy: RequirementInput["organisationPolicy"],
  userOverride: RequirementInput["userOverride"],
  roleRequiresTwoFactor: boolean,
  expected: Requirement,
];

/** API accounts and SSO users are exempt before any policy, override or role is read. */
const EXEMPT_USERS: ExemptRow[] = [
  [true, false, "required", "required", true, EXEMPT_API],
  [true, false, "disabled", "default", false, EXEMPT_API],
  [true, false, "optional", "disabled", false, EXEMPT_API],
  [true, false, "optional", "optional", true, EXEMPT_API],
  // An API account that is somehow also marked SSO is still an API account.
  [true, true, "required", "required", true, EXEMPT_API],
  [true, true, "disabled", "default", false, EXEMPT_API],
  [false, true, "required", "required", true, EXEMPT_SSO],
  [false, true, "required", "default", false, EXEMPT_SSO],
  [false, true, "optional", "default", true, EXEMPT_SSO],
  [false, true, "optional", "optional", false, EXEMPT_SSO],
  // SSO beats an organisation that disables 2FA, too: Twofold asks nothing either way, but says why.
  [false, true, "disabled", "required", true, EXEMPT_SSO],
  [false, true, "disabled", "disabled", false, EXEMPT_SSO],
];

describe("effectiveTwoFactorRequirement", () => {
  it("has a row for every policy × override × role", () => {
    const covered = new Set(PASSWORD_USERS.map(([policy, override, role]) => `${policy}/${override}/${role}`));
    expect(covered.size).toBe(PASSWORD_USERS.length);
    expect(covered.size).toBe(TWO_FACTOR_POLICIES.length * TWO_FACTOR_REQUIREMENTS.length * 2);
  });

  it.each(PASSWORD_USERS)(
    "policy %s, override %s, role requires 2FA %s: %o",
    (organisationPolicy, userOverride, roleRequiresTwoFactor, expected) => {
      expect(
        effectiveTwoFactorRequirement({ ...base, organisationPolicy, userOverride, roleRequiresTwoFactor }),
      ).toEqual(expected);
    },
  );

  it.each(EXEMPT_USERS)(
    "api %s, sso %s, policy %s, override %s, role %s: %o",
    (isApiAccount, isSsoUser, organisationPolicy, userOverride, roleRequiresTwoFactor, expected) => {
      expect(
        effectiveTwoFactorRequirement({
          ...base,
          isApiAccount,
          isSsoUser,
          organisationPolicy,
          userOverride,
          roleRequiresTwoFactor,
          graceDays: 7,
        }),
      ).toEqual(expected);
    },
  );

  type GraceRow = [why: string, input: Partial<RequirementInput>, expected: Requirement];

  /** Grace: newly required users may skip setup for `graceDays` counted from when 2FA became required. */
  const GRACE: GraceRow[] = [
    [
      "not yet recorded: counts from now",
      { graceDays: 7, requiredSince: null },
      { level: "required", graceUntil: daysFromNow(7) },
    ],
    [
      "required 3 days ago",
      { graceDays: 7, requiredSince: daysFromNow(-3) },
      { level: "required", graceUntil: daysFromNow(4) },
    ],
    ["grace ends exactly now: none left", { graceDays: 7, requiredSince: daysFromNow(-7) }, REQUIRED_NOW],
    ["grace long over", { graceDays: 7, requiredSince: daysFromNow(-30) }, REQUIRED_NOW],
    ["no grace configured", { graceDays: 0, requiredSince: daysFromNow(-1) }, REQUIRED_NOW],
    ["no grace configured, not yet recorded", { graceDays: 0, requiredSince: null }, REQUIRED_NOW],
    ["a negative grace is no grace", { graceDays: -3, requiredSince: null }, REQUIRED_NOW],
    // Grace applies however the requirement arose, not only through the policy.
    [
      "required by a role",
      { organisationPolicy: "optional", roleRequiresTwoFactor: true, graceDays: 2, requiredSince: null },
      { level: "required", graceUntil: daysFromNow(2) },
    ],
    [
      "required by the admin",
      { organisationPolicy: "optional", userOverride: "required", graceDays: 2, requiredSince: daysFromNow(-1) },
      { level: "required", graceUntil: daysFromNow(1) },
    ],
    // Where 2FA is not required, grace says nothing: no graceUntil appears.
    ["optional policy", { organisationPolicy: "optional", graceDays: 7, requiredSince: daysFromNow(-1) }, OPTIONAL],
    ["admin made it optional", { userOverride: "optional", graceDays: 7, requiredSince: null }, OPTIONAL],
    ["admin disabled it", { userOverride: "disabled", graceDays: 7, requiredSince: null }, DISABLED],
    [
      "organisation disabled it",
      { organisationPolicy: "disabled", roleRequiresTwoFactor: true, graceDays: 7 },
      DISABLED,
    ],
  ];

  it.each(GRACE)("grace: %s", (_why, input, expected) => {
    expect(effectiveTwoFactorRequirement({ ...base, organisationPolicy: "required", ...input })).toEqual(expected);
  });
});
