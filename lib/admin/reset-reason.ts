import { z } from "zod";

export const RESET_REASON_MAX_LENGTH = 500;

/**
 * Why an administrator reset someone's two-factor authentication: recorded
 * in the audit log beside who, when and from where (OWASP ASVS 5.0 V16.2.1)
 * and told to the user, so a reset is never unexplained; it is also the
 * administrator's note of how they checked it was really the person
 * (ASVS 5.0 V6.4.4).
 */
export const resetReasonSchema = z
  .string({ error: "Say why you are resetting it, for example how you checked it was really them." })
  .trim()
  .min(1, { error: "Say why you are resetting it, for example how you checked it was really them." })
  .max(RESET_REASON_MAX_LENGTH, { error: `Keep the reason to ${RESET_REASON_MAX_LENGTH} characters or fewer.` });
