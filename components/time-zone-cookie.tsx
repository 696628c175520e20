"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

const COOKIE = "tz";

/**
 * Tells the server the browser's time zone, so times render in it. The first
 * page a browser ever loads shows UTC (labelled); it is re-rendered once the
 * zone is known (unless it is UTC), and again only when the zone changes (travel).
 */
export function TimeZoneCookie() {
  const router = useRouter();
  useEffect(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    const current = document.cookie
      .split("; ")
      .find((entry) => entry.startsWith(`${COOKIE}=`))
      ?.slice(COOKIE.length + 1);
    if (current === encodeURIComponent(zone)) return;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${COOKIE}=${encodeURIComponent(zone)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
    // The server rendered in the zone it knew (UTC without a cookie): re-render only if that was wrong.
    const renderedIn = current === undefined ? "UTC" : safeDecode(current);
    if (renderedIn !== zone) router.refresh();
  }, [router]);
  return null;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
