import { z } from "zod";

export const RESET_REASON_MAX_LENGTH = 500;

/**
 * Why an administrator reset someone's two-factor authentication: recorded
 * in the audit log and told to the user, so a reset is never silent or
 * unexplained (OWASP ASVS 5.0 V16.3.1 logs who did what and why; NIST SP
 * 800-63B-4 §4.2.1 wants the subscriber told when an authenticator is reset).
 */
export const resetReasonSchema = z
  .string({ error: "Say why you are resetting it, for example how you checked it was really them." })
  .trim()
  .min(1, { error: "Say why you are resetting it, for example how you checked it was really them." })
  .max(RESET_REASON_MAX_LENGTH, { error: `Keep the reason to ${RESET_REASON_MAX_LENGTH} characters or fewer.` });
