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
  roleRequiresPhishingResistant: false,
  organisationPolicy: "optional",
  graceDays: 0,
  requiredSince: null,
  now,
};

const EXEMPT_API: Requirement = { level: "exempt", reason: "api_account" };
const EXEMPT_SSO: Requirement = { level: "exempt", reason: "sso" };
const DISABLED: Requirement = { level: "disabled" };
const OPTIONAL: Requirement = { level: "optional" };
const REQUIRED_NOW: Requirement = { level: "required", graceUntil: null, phishingResistantOnly: false };
const PHISHING_RESISTANT_NOW: Requirement = { level: "required", graceUntil: null, phishingResistantOnly: true };

/** What the user's roles (directly or through groups) require: nothing, 2FA, or phishing-resistant methods only. */
type RoleRequires = "nothing" | "2fa" | "phishing_resistant";
const ROLE_REQUIRES: RoleRequires[] = ["nothing", "2fa", "phishing_resistant"];
const roleInput = (role: RoleRequires) => ({
  roleRequiresTwoFactor: role !== "nothing",
  roleRequiresPhishingResistant: role === "phishing_resistant",
});

type Row = [
  organisationPolicy: RequirementInput["organisationPolicy"],
  userOverride: RequirementInput["userOverride"],
  role: RoleRequires,
  expected: Requirement,
];

/**
 * Every person who signs in with a password: 3 policies × 5 overrides × 3 role requirements.
 * The expected column is written out by hand; it is the rule, read row by row.
 */
const PASSWORD_USERS: Row[] = [
  // The organisation disables 2FA: disabled for everyone, whatever the admin or a role says.
  ["disabled", "default", "nothing", DISABLED],
  ["disabled", "default", "2fa", DISABLED],
  ["disabled", "default", "phishing_resistant", DISABLED],
  ["disabled", "required", "nothing", DISABLED],
  ["disabled", "required", "2fa", DISABLED],
  ["disabled", "required", "phishing_resistant", DISABLED],
  ["disabled", "optional", "nothing", DISABLED],
  ["disabled", "optional", "2fa", DISABLED],
  ["disabled", "optional", "phishing_resistant", DISABLED],
  ["disabled", "disabled", "nothing", DISABLED],
  ["disabled", "disabled", "2fa", DISABLED],
  ["disabled", "disabled", "phishing_resistant", DISABLED],
  ["disabled", "phishing_resistant", "nothing", DISABLED],
  ["disabled", "phishing_resistant", "2fa", DISABLED],
  ["disabled", "phishing_resistant", "phishing_resistant", DISABLED],
  // Optional policy: the admin's choice first, then a role that requires 2FA (or phishing-resistant methods).
  ["optional", "default", "nothing", OPTIONAL],
  ["optional", "default", "2fa", REQUIRED_NOW],
  ["optional", "default", "phishing_resistant", PHISHING_RESISTANT_NOW],
  // An explicit per-user "required" beats roles: it asks for 2FA, not for phishing-resistant methods.
  ["optional", "required", "nothing", REQUIRED_NOW],
  ["optional", "required", "2fa", REQUIRED_NOW],
  ["optional", "required", "phishing_resistant", REQUIRED_NOW],
  ["optional", "optional", "nothing", OPTIONAL],
  ["optional", "optional", "2fa", OPTIONAL],
  ["optional", "optional", "phishing_resistant", OPTIONAL],
  ["optional", "disabled", "nothing", DISABLED],
  ["optional", "disabled", "2fa", DISABLED],
  ["optional", "disabled", "phishing_resistant", DISABLED],
  // The per-user "phishing-resistant only" implies required, whatever the roles.
  ["optional", "phishing_resistant", "nothing", PHISHING_RESISTANT_NOW],
  ["optional", "phishing_resistant", "2fa", PHISHING_RESISTANT_NOW],
  ["optional", "phishing_resistant", "phishing_resistant", PHISHING_RESISTANT_NOW],
  // Required policy: only the admin's per-user choice can relax it; a role can make it phishing-resistant.
  ["required", "default", "nothing", REQUIRED_NOW],
  ["required", "default", "2fa", REQUIRED_NOW],
  ["required", "default", "phishing_resistant", PHISHING_RESISTANT_NOW],
  ["required", "required", "nothing", REQUIRED_NOW],
  ["required", "required", "2fa", REQUIRED_NOW],
  ["required", "required", "phishing_resistant", REQUIRED_NOW],
  ["required", "optional", "nothing", OPTIONAL],
  ["required", "optional", "2fa", OPTIONAL],
  ["required", "optional", "phishing_resistant", OPTIONAL],
  ["required", "disabled", "nothing", DISABLED],
  ["required", "disabled", "2fa", DISABLED],
  ["required", "disabled", "phishing_resistant", DISABLED],
  ["required", "phishing_resistant", "nothing", PHISHING_RESISTANT_NOW],
  ["required", "phishing_resistant", "2fa", PHISHING_RESISTANT_NOW],
  ["required", "phishing_resistant", "phishing_resistant", PHISHING_RESISTANT_NOW],
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
  // Phishing-resistant only, per user: SSO users satisfy it through their identity provider.
  [false, true, "required", "phishing_resistant", true, EXEMPT_SSO],
  [false, true, "optional", "phishing_resistant", false, EXEMPT_SSO],
  [true, false, "required", "phishing_resistant", true, EXEMPT_API],
];

describe("effectiveTwoFactorRequirement", () => {
  it("has a row for every policy × override × role", () => {
    const covered = new Set(PASSWORD_USERS.map(([policy, override, role]) => `${policy}/${override}/${role}`));
    expect(covered.size).toBe(PASSWORD_USERS.length);
    expect(covered.size).toBe(TWO_FACTOR_POLICIES.length * TWO_FACTOR_REQUIREMENTS.length * ROLE_REQUIRES.length);
  });

  it.each(PASSWORD_USERS)(
    "policy %s, override %s, roles require %s: %o",
    (organisationPolicy, userOverride, role, expected) => {
      expect(effectiveTwoFactorRequirement({ ...base, organisationPolicy, userOverride, ...roleInput(role) })).toEqual(
        expected,
      );
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
          roleRequiresPhishingResistant: roleRequiresTwoFactor,
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
      { level: "required", graceUntil: daysFromNow(7), phishingResistantOnly: false },
    ],
    [
      "required 3 days ago",
      { graceDays: 7, requiredSince: daysFromNow(-3) },
      { level: "required", graceUntil: daysFromNow(4), phishingResistantOnly: false },
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
      { level: "required", graceUntil: daysFromNow(2), phishingResistantOnly: false },
    ],
    [
      "required by the admin",
      { organisationPolicy: "optional", userOverride: "required", graceDays: 2, requiredSince: daysFromNow(-1) },
      { level: "required", graceUntil: daysFromNow(1), phishingResistantOnly: false },
    ],
    [
      "phishing-resistant only, per user: grace as for any requirement",
      { organisationPolicy: "optional", userOverride: "phishing_resistant", graceDays: 2, requiredSince: null },
      { level: "required", graceUntil: daysFromNow(2), phishingResistantOnly: true },
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
