/*
 * The one definition of each of our cookies, shared by Auth.js (which sets the
 * session cookie at sign-in), our own code that reads and rotates it, and
 * proxy.ts. Over HTTPS the `__Host-` prefix makes the browser refuse a copy set
 * by a sibling domain or over plain HTTP.
 */

/**
 * Whether our cookies are `Secure` with the `__Host-` prefix: when APP_URL,
 * the address people reach Twofold at, is https. Never from the request's
 * X-Forwarded-Proto, which any client can send (OWASP ASVS 5.0 V3.3.1: Secure
 * and __Host- for cookies of a site served over HTTPS). Development without
 * APP_URL runs on http://localhost, where a Secure cookie would be lost.
 */
export function cookiesAreSecure(settings: { APP_URL?: string | undefined }): boolean {
  if (!settings.APP_URL) return false;
  try {
    return new URL(settings.APP_URL).protocol === "https:";
  } catch {
    return false;
  }
}

function cookie(baseName: string, secure: boolean) {
  return {
    name: secure ? `__Host-${baseName}` : baseName,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure },
  };
}

export function sessionCookie(secure: boolean) {
  return cookie("twofold.session", secure);
}

/** "Remember this browser for 90 days": a random token; only its hash is on the server. */
export function trustedBrowserCookie(secure: boolean) {
  return cookie("twofold.trusted", secure);
}

/** The longest session an organisation may configure; the server enforces each session's own expiry. */
export const MAX_SESSION_DURATION_DAYS = 365;

/** Where to go once a sign-in that began at /login?next=… is complete, across its second-factor or setup steps. */
export function nextPathCookie(secure: boolean) {
  return cookie("twofold.next", secure);
}

/**
 * A browser that completed a sign-in: a random device token kept for a year
 * (hashed per account in `known_browsers`). It lets its owner past the
 * account-wide slow-down and decides when to send "New sign-in to Twofold".
 */
export function knownBrowserCookie(secure: boolean) {
  return cookie("twofold.device", secure);
}

/**
 * Passwordless sign-in: a random token set with the passkey options; the
 * challenge is bound to its hash, so only the browser that asked can answer.
 */
export function passwordlessCookie(secure: boolean) {
  return cookie("twofold.passkey", secure);
}
