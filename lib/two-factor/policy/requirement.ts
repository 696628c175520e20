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
  /** Setup may be skipped until `graceUntil` (null: no grace, set up now). */
  | { level: "required"; graceUntil: Date | null };

/**
 * The one rule for who must use two-factor authentication; every page, action
 * and sign-in asks it. In order: API accounts are exempt; an organisation that
 * disables 2FA disables it for everyone; an admin's per-user choice beats roles
 * and policy; a role that requires 2FA beats an optional policy.
 * SSO users are exempt on purpose: a second prompt after the identity
 * provider's own would be the same factor asked twice.
 */
export function effectiveTwoFactorRequirement(input: RequirementInput): Requirement {
  if (input.isApiAccount) return { level: "exempt", reason: "api_account" };
  if (input.isSsoUser) return { level: "exempt", reason: "sso" };
  if (input.organisationPolicy === "disabled") return { level: "disabled" };
  if (input.userOverride === "disabled") return { level: "disabled" };
  if (input.userOverride === "optional") return { level: "optional" };
  const required =
    input.userOverride === "required" || input.roleRequiresTwoFactor || input.organisationPolicy === "required";
  if (!required) return { level: "optional" };
  if (input.graceDays <= 0) return { level: "required", graceUntil: null };
  const since = input.requiredSince ?? input.now;
  const graceUntil = new Date(since.getTime() + input.graceDays * DAY_MS);
  return { level: "required", graceUntil: graceUntil > input.now ? graceUntil : null };
}
