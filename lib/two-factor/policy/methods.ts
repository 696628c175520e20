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
  /** The user registered a passkey or security key (whether or not the organisation allows them now). */
  hasPasskey?: boolean;
  /** The organisation allows passkeys and security keys. */
  allowPasskey?: boolean;
  requirement: Requirement;
};

/**
 * The second factors a user can use now.
 * - An authenticator app the user set up keeps working even if the
 *   organisation later stops allowing new ones: unticking the method must
 *   never quietly leave someone with a password alone.
 * - Codes need the organisation to allow them (they cost money per SMS).
 *   They need no setup for a user who is required to use 2FA and has no app:
 *   everyone has an email address. A user with an app gets codes only by
 *   turning them on, so a mailbox is never a silent way around their app.
 * - A passkey needs the organisation to allow passkeys: a user with one
 *   gets codes only by turning them on, like an app or Duo user.
 * - Duo needs the user to have turned it on (enrolment happens inside Duo)
 *   and the organisation to allow and configure it: Twofold cannot ask Duo
 *   without the keys. A Duo user, like an app user, gets codes only by
 *   turning them on, so a mailbox is never a silent way around Duo either.
 *   If Duo stops being usable and it was their only factor, lostOwnFactor
 *   sends them to setup rather than letting a password alone in.
 */
export function usableMethods(input: MethodsInput): SecondFactorMethod[] {
  const methods: SecondFactorMethod[] = [];
  if (input.hasAuthenticator) methods.push("totp");
  const duoUsable = input.duoAvailable && input.duoEnabled;
  const passkeyUsable = Boolean(input.hasPasskey && input.allowPasskey);
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
    (input.codesEnabled || input.duoEnabled || Boolean(input.hasPasskey)) &&
    usableMethods(input).length === 0 &&
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
