import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-policy";
import { NAME_MAX_LENGTH } from "@/lib/name-limits";
import { asPhoneCountry } from "@/lib/phone-countries";

/** A display name (a person's, an API account's): `whenEmpty` says what to enter. */
export function displayNameSchema(whenEmpty: string) {
  return (
    z
      .string()
      .trim()
      .min(1, { error: whenEmpty })
      .max(NAME_MAX_LENGTH, { error: `Use at most ${NAME_MAX_LENGTH} characters.` })
      // Control and format characters (bidirectional overrides among them) have no place in a
      // name: they would garble emails and logs, or make one name read as another.
      .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), { error: "Use letters, spaces and punctuation only." })
  );
}

export const nameSchema = displayNameSchema("Enter your name.");

const MOBILE_FORMAT_MESSAGE =
  "Enter a mobile number as you dial it in the country chosen, or in international format, like +44 7911 123456.";

export const currentPasswordSchema = z
  .string()
  .min(1, { error: "Enter your current password." })
  .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." });

type ParsedMobile = { ok: true; number: string | null } | { ok: false; message: string };

/**
 * A mobile number typed as people write it: the national way for the chosen
 * country ("07911 123456" in the United Kingdom) or international ("+44 7911
 * 123456", whatever the country). Empty means no number. Kept as E.164.
 */
export function parseMobileNumber(value: string, country: CountryCode | null): ParsedMobile {
  const typed = value.trim();
  if (!typed) return { ok: true, number: null };
  const international = typed.startsWith("+");
  if (!international && !country)
    return { ok: false, message: "Choose the number’s country, or start with + and its code." };
  const phone = parsePhoneNumberFromString(typed, international ? undefined : (country ?? undefined));
  if (!phone) return { ok: false, message: MOBILE_FORMAT_MESSAGE };
  if (!phone.isValid()) {
    // The right length but no such number (a range never issued, or kept for films): say so, not "wrong format".
    return {
      ok: false,
      message: phone.isPossible() ? "That is not a mobile number in use: check it." : MOBILE_FORMAT_MESSAGE,
    };
  }
  const type = phone.getType();
  if (type && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") {
    return { ok: false, message: "That is not a mobile number: text messages cannot reach it." };
  }
  return { ok: true, number: phone.number };
}

/** "Mobile number" and its "Country", with the password that changing them needs. */
export const mobileNumberChangeSchema = z
  .object({
    mobileNumber: z.string().max(32, { error: MOBILE_FORMAT_MESSAGE }),
    country: z.string().max(8, { error: "Choose a country from the list." }).optional(),
    currentPassword: currentPasswordSchema,
  })
  .transform(({ mobileNumber, country, currentPassword }, context) => {
    const countryCode = asPhoneCountry(country);
    if (country && !countryCode) {
      context.addIssue({ code: "custom", path: ["country"], message: "Choose a country from the list." });
      return z.NEVER;
    }
    const parsed = parseMobileNumber(mobileNumber, countryCode);
    if (!parsed.ok) {
      context.addIssue({ code: "custom", path: ["mobileNumber"], message: parsed.message });
      return z.NEVER;
    }
    return { mobileNumber: parsed.number, currentPassword };
  });

export const profileSchema = z.object({ name: nameSchema });

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { error: `Use at least ${PASSWORD_MIN_LENGTH} characters.` })
  .max(PASSWORD_MAX_LENGTH, { error: `Use at most ${PASSWORD_MAX_LENGTH} characters.` });

export const passwordChangeSchema = z
  .object({
    currentPassword: currentPasswordSchema,
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
