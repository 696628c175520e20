import { z } from "zod";

/*
 * The organisation's failure limits, with safe bounds: low enough that
 * guessing stays bounded (NIST SP 800-63B-4 §3.2.2: at most 100 consecutive
 * failures; OWASP ASVS 5.0 V6.3.1), high enough that people who mistype are
 * not locked out. Defaults are the values Twofold always used.
 */
export const SIGN_IN_PROTECTION_BOUNDS = {
  passwordFailureLimit: { min: 3, max: 100, default: 10 },
  accountFailureLimit: { min: 20, max: 1000, default: 100 },
  secondFactorFailureLimit: { min: 3, max: 100, default: 10 },
  failureWindowMinutes: { min: 1, max: 1440, default: 15 },
  secondFactorLockoutLimit: { min: 10, max: 100, default: 100 },
} as const;

export type SignInProtection = { [K in keyof typeof SIGN_IN_PROTECTION_BOUNDS]: number };

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

/** Only the limits, for the form: the page holds the whole organisation row. */
export function signInProtectionOf(row: SignInProtection): SignInProtection {
  return {
    passwordFailureLimit: row.passwordFailureLimit,
    accountFailureLimit: row.accountFailureLimit,
    secondFactorFailureLimit: row.secondFactorFailureLimit,
    failureWindowMinutes: row.failureWindowMinutes,
    secondFactorLockoutLimit: row.secondFactorLockoutLimit,
  };
}
