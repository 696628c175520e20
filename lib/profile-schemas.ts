import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";

export const NAME_MAX_LENGTH = 100;

export const nameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter your name." })
  .max(NAME_MAX_LENGTH, { error: `Use at most ${NAME_MAX_LENGTH} characters.` })
  // Control characters have no place in a name and would garble emails and logs.
  .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), { error: "Use letters, spaces and punctuation only." });

/** Empty means no number; anything else must be a real mobile number in international format, kept as E.164. */
export const mobileNumberSchema = z
  .string()
  .trim()
  .max(32, { error: "Enter a mobile number in international format, like +44 7911 123456." })
  .transform((value, context) => {
    if (!value) return null;
    const phone = value.startsWith("+") ? parsePhoneNumberFromString(value) : undefined;
    if (!phone?.isValid()) {
      context.addIssue({
        code: "custom",
        message: "Enter a mobile number in international format, like +44 7911 123456.",
      });
      return z.NEVER;
    }
    const type = phone.getType();
    if (type && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") {
      context.addIssue({ code: "custom", message: "That is not a mobile number: text messages cannot reach it." });
      return z.NEVER;
    }
    return phone.number;
  });

export const profileSchema = z.object({ name: nameSchema });

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters.` })
  .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters.` });

export const passwordChangeSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, { error: "Enter your current password." })
      .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." }),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((input) => input.newPassword === input.confirmPassword, {
    error: "The two new passwords do not match.",
    path: ["confirmPassword"],
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    error: "Choose a password different from your current one.",
    path: ["newPassword"],
  });
