import { NextResponse, type NextRequest } from "next/server";
import { cookiesAreSecure, sessionCookie } from "@/lib/auth/cookie-definitions";
import { hashingBusyResponse } from "@/lib/auth/hashing-gate";
import { bodyLimitResponse } from "@/lib/body-limit";
import { getEdgeSettings } from "@/lib/env";
import { forwardedOrigin, setForwardedOrigin } from "@/lib/forwarded-origin";
import { hasMalformedEscape } from "@/lib/malformed-path";
import { newNonce, securityHeaders } from "@/lib/security-headers";
import { actionBodyProblem } from "@/lib/action-body";
import { isPossibleServerAction, serverActionRefusal } from "@/lib/server-action-request";

/*
 * Paths that answer visitors without a session themselves: sign-in steps,
 * the identity provider's callback, invitations, setup links (which send a
 * signed-out visitor to /login and back), the API (JSON 401, not a redirect)
 * and the load balancers' health checks.
 */
const PUBLIC_PATHS = ["/login", "/dev/outbox", "/api/auth", "/api/v1", "/invite", "/setup", "/healthz", "/readyz"];

/**
 * With TRUSTED_PROXIES=0 nobody in front of us writes X-Forwarded-For, so any
 * such header came from the client. `next start` keeps a header it receives
 * and fills in the socket's address only when there is none (`??=` in
 * next/dist/server/base-server.js, Next.js 16.4): dropping the client's copy
 * here makes Next.js write the real address. (Next.js also fills the header in
 * before this runs, so its presence here says nothing about a proxy: no
 * warning can tell a forgery from a forgotten setting.)
 */
function dropClientForwardedFor(requestHeaders: Headers): void {
  requestHeaders.delete("x-forwarded-for");
  requestHeaders.delete("x-real-ip");
}

function withHeaders<T extends Response>(response: T, headers: Record<string, string>): T {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/**
 * Runs before every page, action and route handler: the per-response
 * Content-Security-Policy nonce and HSTS, the body-size limit, and a
 * convenience: visitors without any session cookie go straight to /login
 * instead of rendering a page that would redirect them anyway. It never
 * decides who is signed in; every page and action checks that itself.
 */
export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const settings = getEdgeSettings();
  const nonce = newNonce();
  const headers = securityHeaders({
    nonce,
    appUrl: settings.APP_URL,
    development: settings.NODE_ENV === "development",
  });

  // Next.js would answer "/login/reset/%ZZ" with a 500: it is the client's mistake.
  if (hasMalformedEscape(pathname)) return withHeaders(new NextResponse("Bad request", { status: 400 }), headers);
  const refusedBody = bodyLimitResponse({ pathname, headers: request.headers });
  if (refusedBody) return withHeaders(refusedBody, headers);
  // A cross-site server-action post: Next.js would answer 500 (lib/server-action-request.ts).
  const origin = forwardedOrigin(settings.APP_URL, request.nextUrl, request.headers.get("host"));
  const refusal = serverActionRefusal({
    method: request.method,
    pathname,
    headers: request.headers,
    expectedHost: origin.host,
  });
  if (refusal)
    return withHeaders(
      new NextResponse(refusal.message, {
        status: refusal.status,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      }),
      headers,
    );
  if (isPossibleServerAction({ method: request.method, pathname, headers: request.headers })) {
    // Within the body limit above; Next.js hands the proxy its own copy of the body.
    const problem = actionBodyProblem({
      contentType: request.headers.get("content-type") ?? "",
      body: Buffer.from(await request.arrayBuffer()).toString("latin1"),
      hasActionHeader: request.headers.has("next-action"),
    });
    if (problem)
      return withHeaders(
        new NextResponse(`Bad request: ${problem}.`, {
          status: 400,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
        }),
        headers,
      );
  }
  const busy = hashingBusyResponse({ method: request.method, pathname, headers: request.headers });
  if (busy) return withHeaders(busy, headers);

  const isPublic = PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
  const hasSessionCookie = request.cookies.has(sessionCookie(cookiesAreSecure(settings)).name);
  if (!isPublic && !hasSessionCookie)
    return withHeaders(NextResponse.redirect(new URL("/login", request.url)), headers);

  // Next.js reads the nonce for its own scripts from the request's policy header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  // Never the client's X-Forwarded-Proto/Host: Auth.js and Next.js build URLs and check Origins from them (lib/forwarded-origin).
  setForwardedOrigin(requestHeaders, origin);
  if (settings.TRUSTED_PROXIES.kind === "hops" && settings.TRUSTED_PROXIES.hops === 0)
    dropClientForwardedFor(requestHeaders);
  return withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), headers);
}

export const config = {
  // Pages, the server actions posted to them, route handlers and prefetches
  // (whose answers are pages too); not static files or images, which run no script.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
