/*
 * Refusals for server-action posts that Next.js itself would answer with a
 * 500 and an error in the log, found by `npm run soak`'s hostile-input phase:
 *  - an Origin that is not this host (or "null", or not a URL at all): Next
 *    aborts the action as a cross-site request, but with a 500 (and a
 *    malformed Origin makes its `new URL()` throw). It is a refusal: 403.
 *    OWASP ASVS 5.0 V3.5.1 (cross-origin requests to sensitive functions are
 *    refused by checking where they come from).
 * Bodies over the server-action limit are refused by lib/body-limit.ts.
 * Which posts count is Next's own rule (server-action-request-meta.js): a
 * POST with a Next-Action header, or any multipart/form-data or urlencoded
 * POST (a form posted without JavaScript).
 */

type RequestLike = {
  method: string;
  pathname: string;
  headers: Headers;
  /** The host proxy.ts tells Next.js the request came to (lib/forwarded-origin: APP_URL's); by default the client's own headers'. */
  expectedHost?: string;
};

export function isPossibleServerAction({ method, pathname, headers }: RequestLike): boolean {
  // Route handlers (the API, Auth.js's callbacks, which an identity provider may post to cross-site) are not pages: no actions there.
  if (method !== "POST" || pathname === "/api" || pathname.startsWith("/api/")) return false;
  const contentType = headers.get("content-type") ?? "";
  return (
    headers.has("next-action") ||
    contentType.startsWith("multipart/form-data") ||
    contentType === "application/x-www-form-urlencoded"
  );
}

/** The host Next compares the Origin with: the first X-Forwarded-Host entry if any, else Host (action-handler.js parseHostHeader). */
function expectedHost(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return forwarded || headers.get("host");
}

/** Whether the Origin names another site than the one the request came to; an absent Origin is let through, as Next does. */
export function isCrossOrigin(headers: Headers, expected: string | null = expectedHost(headers)): boolean {
  const origin = headers.get("origin");
  if (origin === null) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    // "null" (a sandboxed frame, a privacy redirect) and anything unparsable.
    return true;
  }
  return host === "" || host !== expected;
}

export type ActionRefusal = { status: 403; message: string };

export function serverActionRefusal(request: RequestLike): ActionRefusal | null {
  if (!isPossibleServerAction(request)) return null;
  if (isCrossOrigin(request.headers, request.expectedHost ?? expectedHost(request.headers)))
    return { status: 403, message: "This request came from another site and was refused." };
  return null;
}
