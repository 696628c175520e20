import "server-only";
import { cookies } from "next/headers";
import { isTimeZone } from "@/lib/format";

/** Set by the browser (components/time-zone-cookie.tsx): its IANA zone, so pages render times as the reader lives them. */
export const TIME_ZONE_COOKIE = "tz";

/** The reader's time zone, from the cookie their browser set; UTC until it has. */
export async function viewerTimeZone(): Promise<string> {
  const raw = (await cookies()).get(TIME_ZONE_COOKIE)?.value ?? "";
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return "UTC";
  }
  return isTimeZone(value) ? value : "UTC";
}
