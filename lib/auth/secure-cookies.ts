import { cookiesAreSecure } from "@/lib/auth/cookie-definitions";
import { getEdgeSettings } from "@/lib/env";

/** The server's answer to cookiesAreSecure, from its own APP_URL: what every cookie call site asks. */
export function secureCookies(): boolean {
  return cookiesAreSecure(getEdgeSettings());
}
