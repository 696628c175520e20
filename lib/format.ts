import { parsePhoneNumberFromString } from "libphonenumber-js/max";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** An IANA zone name the runtime knows ("Europe/Paris"); anything else is refused, never thrown on. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/**
 * "29 Nov 2026, 11:34 CET": a time in the reader's zone, with the zone named so
 * it can never be mistaken for another. Without a known zone, UTC.
 */
export function formatDateTime(date: Date, timeZone = "UTC"): string {
  return formatterFor(isTimeZone(timeZone) ? timeZone : "UTC").format(date);
}

/** "+447911123456" → "+44 7911 123456", as people write it. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
