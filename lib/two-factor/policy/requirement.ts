import type { TwoFactorPolicy, TwoFactorRequirement } from "@/db/schema";

const DAY_MS = 24 * 60 * 60 * 1000;

export type RequirementInput = {
  isApiAccount: boolean;
  /** Signs in through the organisation's identity provider, which owns the second factor. */
  isSsoUser: boolean;
  /** The admin's per-user choice; "default" defers to roles and the organisation. */
  userOverride: TwoFactorRequirement;
  /** Whether any role the user holds, directly or through a group, requires 2FA. */
  roleRequiresTwoFactor: boolean;
  /** Whether any such role requires phishing-resistant methods (passkeys and security keys) only. */
  roleRequiresPhishingResistant: boolean;
  organisationPolicy: TwoFactorPolicy;
  /** Days a newly required user may still skip setup; 0 means at the next sign-in. */
  graceDays: number;
  /** When 2FA first became required for this user (null: not yet recorded). */
  requiredSince: Date | null;
  now: Date;
};

export type Requirement =
  /**
   * Never asked for a second factor by Twofold: API accounts never use the
   * web UI, and SSO users' identity provider asks for its own.
   */
  | { level: "exempt"; reason: "api_account" | "sso" }
  /** No second-factor prompt at all. */
  | { level: "disabled" }
  | { level: "optional" }
  /**
   * Setup may be skipped until `graceUntil` (null: no grace, set up now).
   * `phishingResistantOnly`: only a passkey or security key (or a recovery
   * code, as break-glass) is accepted as the second factor.
   */
  | { level: "required"; graceUntil: Date | null; phishingResistantOnly: boolean };

/**
 * The one rule for who must use two-factor authentication; every page, action
 * and sign-in asks it. In order: API accounts are exempt; an organisation that
 * disables 2FA disables it for everyone; an admin's per-user choice beats roles
 * and policy; a role that requires 2FA beats an optional policy.
 * SSO users are exempt on purpose: a second prompt after the identity
 * provider's own would be the same factor asked twice. That holds for
 * "phishing-resistant methods only" too: the identity provider answers for
 * how its users sign in.
 *
 * Phishing-resistant only (NIST SP 800-63B-4 §3.2.5, ASVS 5.0 V6.5): the
 * admin's per-user "phishing_resistant", or, while the per-user choice is
 * "default", any role that requires it. It implies required. An explicit
 * per-user "required", "optional" or "disabled" beats roles here as
 * everywhere else.
 */
export function effectiveTwoFactorRequirement(input: RequirementInput): Requirement {
  if (input.isApiAccount) return { level: "exempt", reason: "api_account" };
  if (input.isSsoUser) return { level: "exempt", reason: "sso" };
  if (input.organisationPolicy === "disabled") return { level: "disabled" };
  if (input.userOverride === "disabled") return { level: "disabled" };
  if (input.userOverride === "optional") return { level: "optional" };
  const phishingResistantOnly =
    input.userOverride === "phishing_resistant" ||
    (input.userOverride === "default" && input.roleRequiresPhishingResistant);
  const required =
    phishingResistantOnly ||
    input.userOverride === "required" ||
    input.roleRequiresTwoFactor ||
    input.organisationPolicy === "required";
  if (!required) return { level: "optional" };
  if (input.graceDays <= 0) return { level: "required", graceUntil: null, phishingResistantOnly };
  const since = input.requiredSince ?? input.now;
  const graceUntil = new Date(since.getTime() + input.graceDays * DAY_MS);
  return { level: "required", graceUntil: graceUntil > input.now ? graceUntil : null, phishingResistantOnly };
}
