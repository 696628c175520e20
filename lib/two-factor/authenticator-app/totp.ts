import { generateSecret, generateSync, generateURI, verify } from "otplib";

export const TOTP_PERIOD_SECONDS = 30;
/** 20 random bytes (160 bits), RFC 4226's recommended secret length. */
const SECRET_BYTES = 20;

/** A new base32 secret for an authenticator app. */
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/**
 * The otpauth:// URI behind the QR code. The issuer and account name the
 * entry, so it reads "Acme (ada@acme.test)" in the app without renaming.
 */
export function totpUri({ issuer, account, secret }: { issuer: string; account: string; secret: string }): string {
  return generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_SECONDS });
}

/** "JBSW Y3DP EHPK 3PXP": easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/** Users type codes with spaces or dashes ("123 456"); anything else is not a code. */
export function normaliseSixDigitCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * Checks a 6-digit code against the current 30-second step and one step
 * either side (clock drift). Returns the matching step, which the caller must
 * record so the same step is never accepted twice, or null.
 */
export async function matchTotpStep(
  secret: string,
  code: string,
  options: { now?: Date; afterStep?: number | null } = {},
): Promise<number | null> {
  const token = normaliseSixDigitCode(code);
  if (!token) return null;
  const epoch = Math.floor((options.now ?? new Date()).getTime() / 1000);
  // otplib refuses an afterTimeStep beyond the window it checks; that happens
  // only if the server clock stepped back, and then no step in the window is
  // newer anyway: a wrong code, not a crash.
  const lastStepInWindow = Math.floor(epoch / TOTP_PERIOD_SECONDS) + 1;
  if (options.afterStep != null && options.afterStep >= lastStepInWindow) return null;
  const result = await verify({
    secret,
    token,
    period: TOTP_PERIOD_SECONDS,
    epoch,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(options.afterStep != null ? { afterTimeStep: options.afterStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

/** The code an app shows at `now`: for tests and for the enrolment's own checks. */
export function totpCodeAt(secret: string, now = new Date()): string {
  return generateSync({ secret, period: TOTP_PERIOD_SECONDS, epoch: Math.floor(now.getTime() / 1000) });
}
