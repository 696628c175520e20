import { organisations, type TwoFactorMethod } from "@/db/schema";
import type { Requirement } from "@/lib/two-factor/policy/requirement";

/** Every second factor: codes Twofold checks itself, and Duo's prompt, which Duo checks. */
export type SecondFactorMethod = TwoFactorMethod;
/** The methods proven by typing a code into Twofold. */
export type CodeMethod = Extract<SecondFactorMethod, "totp" | "code">;

export const METHOD_LABELS: Record<SecondFactorMethod, string> = {
  totp: "Authenticator app",
  code: "Code by text message or email",
  duo: "Duo",
  passkey: "Passkey or security key",
};

export function isCodeMethod(method: SecondFactorMethod | null | undefined): method is CodeMethod {
  return method === "totp" || method === "code";
}

/** The organisation columns duoAvailableIn reads, for selects. */
export const duoAvailabilityColumns = {
  allowDuo: organisations.allowDuo,
  duoIntegrationKey: organisations.duoIntegrationKey,
  duoSecretKeyEncrypted: organisations.duoSecretKeyEncrypted,
  duoApiHostname: organisations.duoApiHostname,
};

/** Duo can be used in the organisation: allowed, and its three settings are all saved. */
export function duoAvailableIn(organisation: {
  allowDuo: boolean;
  duoIntegrationKey: string | null;
  duoSecretKeyEncrypted: string | null;
  duoApiHostname: string | null;
}): boolean {
  return (
    organisation.allowDuo &&
    Boolean(organisation.duoIntegrationKey && organisation.duoSecretKeyEncrypted && organisation.duoApiHostname)
  );
}

export type MethodsInput = {
  allowTotp: boolean;
  allowCode: boolean;
  hasAuthenticator: boolean;
  /** The user turned codes on themselves. */
  codesEnabled: boolean;
  /** The organisation allows Duo and has configured it (see duoAvailableIn). */
  duoAvailable: boolean;
  /** The user completed a Duo prompt to turn Duo on. */
  duoEnabled: boolean;
  /** The organisation allows passkeys and security keys (organisations.allowPasskey). */
  allowPasskey: boolean;
  /** The user has at least one registered passkey or security key. */
  hasPasskey: boolean;
  requirement: Requirement;
};

/** Whether only phishing-resistant methods are accepted from the user (see effectiveTwoFactorRequirement). */
export function phishingResistantOnly(requirement: Requirement): boolean {
  return requirement.level === "required" && requirement.phishingResistantOnly;
}

/**
 * The one rule for "may this user use passkeys and security keys" (asked
 * from the database by userMayUsePasskeys in passkey-permission.ts). The
 * organisation's checkbox allows them; so does a requirement of
 * phishing-resistant methods only, even with the checkbox unticked: a passkey
 * is then the only method the user may have (NIST SP 800-63B-4 §3.2.5), and a
 * stricter rule must never leave them with none.
 */
export function passkeysPermitted(facts: { allowPasskey: boolean; requirement: Requirement }): boolean {
  return facts.allowPasskey || phishingResistantOnly(facts.requirement);
}

/**
 * The user's own factors that the phishing-resistant requirement refuses
 * (their authenticator app, codes they turned on, Duo): they still have
 * them, so the sign-in asks for a second step and says why these no longer
 * do, rather than offering a password-only way to a new factor.
 */
export function refusedMethods(input: MethodsInput): SecondFactorMethod[] {
  if (!phishingResistantOnly(input.requirement)) return [];
  const refused: SecondFactorMethod[] = [];
  if (input.hasAuthenticator) refused.push("totp");
  if (input.codesEnabled) refused.push("code");
  if (input.duoAvailable && input.duoEnabled) refused.push("duo");
  return refused;
}

/**
 * The second factors a user can use now.
 * - An authenticator app the user set up keeps working even if the
 *   organisation later stops allowing new ones: unticking the method must
 *   never quietly leave someone with a password alone.
 * - Codes need the organisation to allow them (they cost money per SMS).
 *   They need no setup for a user who is required to use 2FA and has no app:
 *   everyone has an email address. A user with an app gets codes only by
 *   turning them on, so a mailbox is never a silent way around their app.
 * - Duo needs the user to have turned it on (enrolment happens inside Duo)
 *   and the organisation to allow and configure it: Twofold cannot ask Duo
 *   without the keys. A Duo user, like an app user, gets codes only by
 *   turning them on, so a mailbox is never a silent way around Duo either.
 *   If Duo stops being usable and it was their only factor, lostOwnFactor
 *   sends them to setup rather than letting a password alone in.
 * - A passkey counts when the organisation allows passkeys and the user has
 *   registered one; it is the user's own factor, so no silent codes either.
 * - "Phishing-resistant methods only": a passkey and nothing else (NIST
 *   SP 800-63B-4 §3.2.5: codes typed into a page can be relayed by a proxy
 *   page; a passkey is bound to the origin). The requirement allows passkeys
 *   for the user even when the organisation's checkbox does not: a stricter
 *   rule must not leave them with no method at all.
 */
export function usableMethods(input: MethodsInput): SecondFactorMethod[] {
  const passkeyUsable = input.hasPasskey && passkeysPermitted(input);
  if (phishingResistantOnly(input.requirement)) return passkeyUsable ? ["passkey"] : [];
  const methods: SecondFactorMethod[] = [];
  if (input.hasAuthenticator) methods.push("totp");
  const duoUsable = input.duoAvailable && input.duoEnabled;
  const requiredWithoutOwnFactor =
    input.requirement.level === "required" && !input.hasAuthenticator && !duoUsable && !passkeyUsable;
  if (input.allowCode && (input.codesEnabled || requiredWithoutOwnFactor)) methods.push("code");
  if (duoUsable) methods.push("duo");
  if (passkeyUsable) methods.push("passkey");
  return methods;
}

/**
 * A user who turned codes or Duo on, and whose organisation has since stopped
 * allowing (or configuring) every factor they have: they chose 2FA, so they
 * set up another factor rather than fall back to a password alone.
 */
export function lostOwnFactor(input: MethodsInput): boolean {
  return (
    (input.codesEnabled || input.duoEnabled || input.hasPasskey) &&
    usableMethods(input).length === 0 &&
    refusedMethods(input).length === 0 &&
    input.requirement.level !== "disabled" &&
    input.requirement.level !== "exempt"
  );
}

/** The method the challenge opens with: the user's preferred one when usable, else the first. */
export function startingMethod(
  methods: SecondFactorMethod[],
  preferred: TwoFactorMethod | null,
): SecondFactorMethod | null {
  return methods.find((method) => method === preferred) ?? methods[0] ?? null;
}
