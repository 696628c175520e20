import { z } from "zod";
import { SIGN_IN_PROTECTION_BOUNDS, type SignInProtection } from "@/lib/organisations/sign-in-protection-bounds";

export { SIGN_IN_PROTECTION_BOUNDS, type SignInProtection };

const B = SIGN_IN_PROTECTION_BOUNDS;

function wholeNumber(what: string, { min, max }: { min: number; max: number }, one = what) {
  return z.coerce
    .number({ error: `Enter a number of ${what}.` })
    .int({ error: `Enter a whole number of ${what}.` })
    .min(min, { error: `Use at least ${min} ${min === 1 ? one : what}.` })
    .max(max, { error: `Use at most ${max} ${what}.` });
}

export const signInProtectionSchema = z
  .object({
    passwordFailureLimit: wholeNumber("wrong passwords", B.passwordFailureLimit),
    accountFailureLimit: wholeNumber("wrong passwords", B.accountFailureLimit),
    secondFactorFailureLimit: wholeNumber("wrong codes", B.secondFactorFailureLimit),
    failureWindowMinutes: wholeNumber("minutes", B.failureWindowMinutes, "minute"),
    secondFactorLockoutLimit: wholeNumber("wrong codes", B.secondFactorLockoutLimit),
  })
  // The account-wide limit guards against many addresses at once: below the per-address one it would slow the real user first.
  .refine((input) => input.accountFailureLimit >= input.passwordFailureLimit, {
    error: "Use at least as many as for one account and address.",
    path: ["accountFailureLimit"],
  })
  // Within one window the cap would otherwise lock before the window limit ever held anyone back.
  .refine((input) => input.secondFactorLockoutLimit >= input.secondFactorFailureLimit, {
    error: "Use at least as many as the wrong codes allowed within the failure window.",
    path: ["secondFactorLockoutLimit"],
  });
