/**
 * The one definition of the session cookie, shared by Auth.js (which sets it at
 * sign-in) and our own session reader. Over HTTPS the `__Host-` prefix makes
 * the browser refuse a copy set by a sibling domain or over plain HTTP.
 */
export function sessionCookie(secure: boolean) {
  return {
    name: secure ? "__Host-twofold.session" : "twofold.session",
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure },
  };
}

/** The longest session an organisation may configure; the server enforces each session's own expiry. */
export const MAX_SESSION_DURATION_DAYS = 365;
