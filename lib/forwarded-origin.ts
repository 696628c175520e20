/*
 * The scheme and host the app, Next.js and Auth.js build absolute URLs from.
 * Auth.js's server-side signIn()/signOut() build their URL from
 * X-Forwarded-Proto and X-Forwarded-Host (@auth/core createActionURL, when
 * AUTH_URL is unset), and Next.js compares a server action's Origin with
 * X-Forwarded-Host. Both headers arrive from the client unless a proxy of ours
 * overwrote them, so a client sending "X-Forwarded-Proto: https,http" made
 * sign-out throw "Invalid URL" (a 500, found by `npm run soak`), and a forged
 * X-Forwarded-Host chose the host of Auth.js's redirects. OWASP ASVS 5.0
 * V4.1.3: values a client can set are not trusted. The public address is
 * APP_URL, so that is what everything downstream sees.
 */

export type ForwardedOrigin = { proto: "http" | "https"; host: string };

/** The Host header when it is a plain host[:port] (no user, path or list), as URL parsing would write it; else null. */
function plainHost(host: string | null): string | null {
  if (!host) return null;
  try {
    const parsed = new URL(`http://${host}`);
    return parsed.host === host.toLowerCase() && parsed.username === "" && parsed.pathname === "/" ? parsed.host : null;
  } catch {
    return null;
  }
}

/**
 * APP_URL's scheme and host when it is set (production needs it). Without it
 * (development): the request's Host header if it is a plain host, as the
 * browser's Origin will match it (Next.js's own URL names the address it
 * listens on, "localhost" or "0.0.0.0"), else that URL's host; the scheme
 * Next.js worked out. Never a forwarded header taken as it came.
 */
export function forwardedOrigin(
  appUrl: string | undefined,
  requestUrl: URL,
  hostHeader: string | null = null,
): ForwardedOrigin {
  if (appUrl) {
    try {
      const url = new URL(appUrl);
      return { proto: url.protocol === "https:" ? "https" : "http", host: url.host };
    } catch {
      // lib/env.ts refuses an APP_URL that is not a URL; the request's own is the fallback.
    }
  }
  return { proto: requestUrl.protocol === "https:" ? "https" : "http", host: plainHost(hostHeader) ?? requestUrl.host };
}

/** Overwrites the forwarded scheme and host on the request Next.js and Auth.js go on to read. */
export function setForwardedOrigin(headers: Headers, origin: ForwardedOrigin): void {
  headers.set("x-forwarded-proto", origin.proto);
  headers.set("x-forwarded-host", origin.host);
}
