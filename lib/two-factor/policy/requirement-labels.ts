import type { TwoFactorRequirement } from "@/db/schema";

/**
 * The per-user requirement (users.two_factor_requirement) in the words the
 * admin user form offers it: the form, the users filter and the email
 * telling a user their requirement changed all say the same thing. Types
 * only: the form is a client component.
 */
export const REQUIREMENT_CHOICE_LABELS: Record<TwoFactorRequirement, string> = {
  default: "Organisation default",
  required: "Required",
  phishing_resistant: "Phishing-resistant methods only",
  optional: "Optional",
  disabled: "Disabled",
};
