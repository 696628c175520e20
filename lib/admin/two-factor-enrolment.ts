import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";

/**
 * What a user set up themselves, apart from the codes a required user gets
 * without turning them on (usableMethods' automatic fallback), so the users
 * list tells who really enrolled. `fallback` says where those codes go
 * (planSecondFactorDelivery's rule); null when the user has no fallback.
 */
export type TwoFactorEnrolment = { enrolled: SecondFactorMethod[]; fallback: "email" | "sms" | null };

export function twoFactorEnrolment(input: {
  /** usableMethods' answer for the user. */
  methods: SecondFactorMethod[];
  codesEnabled: boolean;
  mobileVerified: boolean;
  codeDelivery: "auto" | "sms" | "email";
}): TwoFactorEnrolment {
  const automaticCodes = input.methods.includes("code") && !input.codesEnabled;
  return {
    enrolled: automaticCodes ? input.methods.filter((method) => method !== "code") : input.methods,
    fallback: automaticCodes ? (input.mobileVerified && input.codeDelivery !== "email" ? "sms" : "email") : null,
  };
}

export const FALLBACK_LABELS: Record<NonNullable<TwoFactorEnrolment["fallback"]>, string> = {
  email: "Email fallback only",
  sms: "Text message fallback only",
};
