import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import { normaliseRecoveryCode } from "@/lib/two-factor/recovery-codes/codes";

/**
 * The one rule for "must this typed code be refused without being checked":
 * for someone held to phishing-resistant methods only, an authenticator-app
 * or sent code is no proof (it can be relayed by a proxy page, NIST SP
 * 800-63B-4 §3.2.5; ASVS 5.0 V6.5), so only their passkey proves them. Used
 * by the second step of signing in (lib/two-factor/sign-in/second-factor-check.ts),
 * "Confirm access", and the profile's confirmations with the password and a
 * code (turning 2FA off, new recovery codes) in lib/flows/confirm-access.ts.
 * Duo is refused elsewhere (it is not among their usable methods). A recovery
 * code stays accepted: it is their break-glass (messages.phishingResistantExplained
 * says so).
 */
export function policyRefusesCode(facts: { requirement: Requirement }, code: string): boolean {
  return phishingResistantOnly(facts.requirement) && code.trim() !== "" && !normaliseRecoveryCode(code);
}
