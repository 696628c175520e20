import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";

/** A time in the reader's zone, with UTC on hover and the exact instant for machines. */
export async function LocalTime({ date }: { date: Date }) {
  const timeZone = await viewerTimeZone();
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date, "UTC")}>
      {formatDateTime(date, timeZone)}
    </time>
  );
}
