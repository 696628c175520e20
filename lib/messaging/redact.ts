/*
 * Providers quote what they were given: Twilio says "The 'To' number
 * +15551234567 is not a valid phone number", Resend names the address. Those
 * words go to the server log and the audit log, which are kept for a year and
 * read by operators who have no need for them, so phone numbers and email
 * addresses are taken out first (OWASP ASVS 5.0 16.2.5: log sensitive data
 * only as its protection level allows; 14.2.6: no more personal data than needed).
 * Erring towards redaction: a long bare number (a timestamp in milliseconds,
 * say) is taken out too; error codes, statuses, SIDs, dates and URLs stay.
 */

export const REDACTED_EMAIL = "[email address]";
export const REDACTED_PHONE = "[phone number]";

/**
 * Local part (an apostrophe inside it, as in o'neil, but not a quote around it), "@" (or "%40" in a URL), and a domain of at least two labels.
 * Letters and digits of any script (\p{L}, \p{N}, with combining marks): "müller@example.de" must not leave "mü" behind, nor "josé@exämple.com" stay whole.
 */
const EMAIL =
  /[\p{L}\p{M}\p{N}._%+-][\p{L}\p{M}\p{N}._%+'-]*(?:@|%40)[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?)+/gu;

/** "+" then digits with spaces, dots, dashes or brackets between: counted as a number when it has 7–15 digits (E.164). */
const INTERNATIONAL = /(?<![\w+])\+\d[\d\s().-]*\d/g;

/** A national number written in groups: "(555) 123-4567", "555-123-4567", "020 7946 0958". Not a date (its last group is short) nor an IP address. */
const GROUPED = /(?<![\w+.])(?:\(\d{2,5}\)\s?|\d{2,5}[\s.-])\d{2,4}[\s.-]\d{3,4}(?![\w]|\.\d)/g;

/** A national number in two groups after its trunk 0: "07700 900123" (UK mobile), "0170-1234567". */
const TRUNK_TWO_GROUPS = /(?<![\w+.])0\d{2,4}[\s.-]\d{5,8}(?![\w]|\.\d)/g;

/** A national number written without spaces: 8 to 15 digits standing alone. */
const BARE = /(?<![\w+.])\d{8,15}(?![\w]|\.\d)/g;

const digitCount = (text: string) => text.replace(/\D/g, "").length;

/** `text` with every email address and phone number replaced by a placeholder. */
export function redactContactDetails(text: string): string {
  return text
    .replace(EMAIL, REDACTED_EMAIL)
    .replace(INTERNATIONAL, (match) => (digitCount(match) >= 7 && digitCount(match) <= 15 ? REDACTED_PHONE : match))
    .replace(GROUPED, REDACTED_PHONE)
    .replace(TRUNK_TWO_GROUPS, REDACTED_PHONE)
    .replace(BARE, REDACTED_PHONE);
}

/** An error for the server log: its stack (or text), redacted like a provider's words. */
export function describeErrorForLog(error: unknown): string {
  if (error instanceof Error) return redactContactDetails(error.stack ?? `${error.name}: ${error.message}`);
  return redactContactDetails(String(error));
}
