/** The choices the user form offers, as the database stores them: the forms validate against these. */
export { CODE_DELIVERIES, TWO_FACTOR_REQUIREMENTS } from "@/db/schema";
import type { Requirement } from "@/lib/two-factor/policy/requirement";

export const REQUIREMENT_LABELS: Record<Requirement["level"], string> = {
  exempt: "Exempt (API account)",
  disabled: "Disabled",
  optional: "Optional",
  required: "Required",
};

/** The requirement as shown for one user: an exemption says why. */
export function requirementLabel(requirement: Requirement): string {
  if (requirement.level === "exempt" && requirement.reason === "sso") return "Exempt (signs in with SSO)";
  if (requirement.level === "required" && requirement.phishingResistantOnly)
    return "Required (phishing-resistant methods only)";
  return REQUIREMENT_LABELS[requirement.level];
}
