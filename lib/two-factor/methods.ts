import type { TwoFactorMethod } from "@/db/schema";
import type { Requirement } from "@/lib/two-factor/requirement";

/** The second factors Twofold itself checks; Duo is added by its own integration. */
export type SecondFactorMethod = Extract<TwoFactorMethod, "totp" | "code">;

export const METHOD_LABELS: Record<SecondFactorMethod, string> = {
  totp: "Authenticator app",
  code: "Code by text message or email",
};

export type MethodsInput = {
  allowTotp: boolean;
  allowCode: boolean;
  hasAuthenticator: boolean;
  /** The user turned codes on themselves. */
  codesEnabled: boolean;
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
 */
export function usableMethods(input: MethodsInput): SecondFactorMethod[] {
  const methods: SecondFactorMethod[] = [];
  if (input.hasAuthenticator) methods.push("totp");
  const requiredWithoutApp = input.requirement.level === "required" && !input.hasAuthenticator;
  if (input.allowCode && (input.codesEnabled || requiredWithoutApp)) methods.push("code");
  return methods;
}

/**
 * A user who turned codes on, has no app, and whose organisation has since
 * stopped allowing codes: they chose 2FA, so they set up an app rather than
 * fall back to a password alone.
 */
export function lostOwnFactor(input: MethodsInput): boolean {
  return input.codesEnabled && !input.allowCode && !input.hasAuthenticator && input.requirement.level !== "disabled" && input.requirement.level !== "exempt";
}

/** The method the challenge opens with: the user's preferred one when usable, else the first. */
export function startingMethod(methods: SecondFactorMethod[], preferred: TwoFactorMethod | null): SecondFactorMethod | null {
  return methods.find((method) => method === preferred) ?? methods[0] ?? null;
}
