import { parsePhoneNumberFromString } from "libphonenumber-js/max";

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Server-rendered times are shown in UTC, labelled, so they read the same for everyone. */
export function formatDateTime(date: Date): string {
  return `${dateTime.format(date)} UTC`;
}

/** "+447911123456" → "+44 7911 123456", as people write it. */
export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
