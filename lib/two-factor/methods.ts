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
 * The second factors a user can use now: set up by them and allowed by the
 * organisation. Codes need no setup for a user who is required to use 2FA:
 * everyone has an email address, so requiring 2FA for someone without an
 * app puts them on codes at the next sign-in.
 */
export function usableMethods(input: MethodsInput): SecondFactorMethod[] {
  const methods: SecondFactorMethod[] = [];
  if (input.allowTotp && input.hasAuthenticator) methods.push("totp");
  if (input.allowCode && (input.codesEnabled || input.requirement.level === "required")) methods.push("code");
  return methods;
}

/** The method the challenge opens with: the user's preferred one when usable, else the first. */
export function startingMethod(methods: SecondFactorMethod[], preferred: TwoFactorMethod | null): SecondFactorMethod | null {
  return methods.find((method) => method === preferred) ?? methods[0] ?? null;
}
