import "server-only";
import { isCommonPassword } from "@/lib/auth/common-passwords";
import {
  containsPersonalDetails,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_REFUSALS,
  type PasswordContext,
} from "@/lib/auth/password-policy";

/**
 * The one place that decides whether someone may choose a password
 * (NIST SP 800-63B-4 §3.1.1.2; OWASP ASVS 5.0 V6.2): long enough, not on the
 * list of common and breached passwords, and without the user's own details.
 * Returns the reason to show, or null when the password is acceptable.
 */
export function newPasswordProblem(password: string, context: PasswordContext): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return PASSWORD_REFUSALS.tooShort;
  if (password.length > PASSWORD_MAX_LENGTH) return PASSWORD_REFUSALS.tooLong;
  if (isCommonPassword(password)) return PASSWORD_REFUSALS.common;
  if (containsPersonalDetails(password, context)) return PASSWORD_REFUSALS.personal;
  return null;
}
