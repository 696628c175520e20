/*
 * Kept apart from the zod schema in sign-in-protection.ts because the
 * settings form, a client component, needs the bounds: zod probes for eval()
 * when it builds a schema, which the Content-Security-Policy refuses (and
 * reports) in the browser.
 */

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
