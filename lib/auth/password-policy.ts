/** NIST SP 800-63B: length matters; no composition rules. */
export const PASSWORD_MIN_LENGTH = 12;
/** Long enough for any passphrase or manager-generated password, short enough to bound hashing work. */
export const PASSWORD_MAX_LENGTH = 128;

/** Who is choosing the password: their own details make a password easy to guess for anyone who knows them. */
export type PasswordContext = { email?: string | null; name?: string | null; organisationName?: string | null };

/** Parts shorter than this ("jo", "a.b", "inc") are too common inside ordinary words to refuse. */
const MIN_PERSONAL_PART_LENGTH = 4;

/** The words of the user's email local part, name and organisation name that a password must not contain. */
export function personalParts({ email, name, organisationName }: PasswordContext): string[] {
  const localPart = email ? (email.split("@")[0] ?? "") : "";
  const candidates = [
    localPart,
    ...[localPart, name ?? "", organisationName ?? ""].flatMap((text) => text.split(/[^\p{L}\p{N}]+/u)),
  ];
  return [
    ...new Set(candidates.map((part) => part.toLowerCase()).filter((part) => part.length >= MIN_PERSONAL_PART_LENGTH)),
  ];
}

/** NIST SP 800-63B-4 §3.1.1.2 / ASVS 5.0 V6.2.11: context-specific words (the user's name, email, the service) are refused. */
export function containsPersonalDetails(password: string, context: PasswordContext): boolean {
  const lowered = password.toLowerCase();
  return personalParts(context).some((part) => lowered.includes(part));
}

/** Why a new password is refused, in the words the forms show. */
export const PASSWORD_REFUSALS = {
  tooShort: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
  tooLong: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
  common:
    "This password is one of the most common passwords, so it would be guessed quickly. Choose another: a few unrelated words make a strong one.",
  personal: "Don't use your email address, your name or your organisation's name in your password.",
} as const;
