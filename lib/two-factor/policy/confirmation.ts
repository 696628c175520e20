import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import { normaliseRecoveryCode } from "@/lib/two-factor/recovery-codes/codes";

/**
 * Whether "Confirm access" must refuse a typed code without checking it: for
 * someone held to phishing-resistant methods only, an authenticator-app or
 * sent code is no proof (it can be relayed by a proxy page, NIST SP
 * 800-63B-4 §3.2.5), so only their passkey confirms, as at sign-in. Duo is
 * already refused there (it is not among their usable methods). A recovery
 * code stays accepted: it is their break-glass, as on the second step
 * (messages.phishingResistantExplained says so).
 */
export function confirmationRefusesCode(facts: { requirement: Requirement }, code: string): boolean {
  return phishingResistantOnly(facts.requirement) && code.trim() !== "" && !normaliseRecoveryCode(code);
}
