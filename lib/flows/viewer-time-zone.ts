import "server-only";
import { cookies } from "next/headers";
import { canonicalTimeZone } from "@/lib/format";

/** Set by the browser (components/time-zone-cookie.tsx): its IANA zone, so pages render times as the reader lives them. */
const TIME_ZONE_COOKIE = "tz";

/** The zone the browser told in its cookie, canonical; null when it told none or something that is not a zone. */
export async function toldTimeZone(): Promise<string | null> {
  const raw = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  if (raw === undefined) return null;
  try {
    return canonicalTimeZone(decodeURIComponent(raw));
  } catch {
    return null;
  }
}

/** The reader's time zone, from the cookie their browser set; UTC until it has. */
export async function viewerTimeZone(): Promise<string> {
  return (await toldTimeZone()) ?? "UTC";
}
