import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/*
 * One formatter per zone the runtime knows, keyed by its canonical name: a
 * cookie spelled "eUrOpE/pArIs" reuses "Europe/Paris" rather than growing the
 * cache, which is therefore bounded by the IANA list (about 600 names).
 */
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

/*
 * What each spelling told us: its canonical name, or null for no zone. Asking
 * the runtime builds an Intl.DateTimeFormat (about 0.13 ms), and a page asks
 * once per time it shows, so the answers are kept. A flood of made-up cookie
 * spellings only empties the memo when it fills: memory stays bounded.
 */
const canonicalNames = new Map<string, string | null>();
const CANONICAL_NAMES_KEPT = 1_000;

/**
 * The canonical IANA name of a zone the runtime knows ("europe/paris" →
 * "Europe/Paris"); null for anything else, never thrown on.
 */
export function canonicalTimeZone(value: unknown): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return null;
  const known = canonicalNames.get(value);
  if (known !== undefined) return known;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat("en-GB", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    canonical = null;
  }
  if (canonicalNames.size >= CANONICAL_NAMES_KEPT) canonicalNames.clear();
  canonicalNames.set(value, canonical);
  return canonical;
}

/**
 * "29 Nov 2026, 11:34 CET": a time in the reader's zone, with the zone named so
 * it can never be mistaken for another. Without a known zone, UTC.
 */
export function formatDateTime(date: Date, timeZone = "UTC"): string {
  return formatterFor(canonicalTimeZone(timeZone) ?? "UTC").format(date);
}

/** "+447911123456" → "+44 7911 123456", as people write it. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
