const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** Server-rendered times are shown in UTC, labelled, so they read the same for everyone. */
export function formatDateTime(date: Date): string {
  return `${dateTime.format(date)} UTC`;
}
