import { NextResponse, type NextRequest } from "next/server";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { hashingBusyResponse } from "@/lib/auth/hashing-gate";
import { hasMalformedEscape } from "@/lib/malformed-path";
import { serverActionRefusal } from "@/lib/server-action-request";

/*
 * Paths that answer visitors without a session themselves: sign-in steps,
 * the identity provider's callback, invitations, setup links (which send a
 * signed-out visitor to /login and back) and the API (JSON 401, not a redirect).
 */
const PUBLIC_PATHS = ["/login", "/dev/outbox", "/api/auth", "/api/v1", "/invite", "/setup"];

/**
 * A convenience only: visitors without any session cookie go straight to
 * /login instead of rendering a page that would redirect them anyway. It
 * never decides who is signed in; every page and action checks that itself.
 */
export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  // Next.js would answer "/login/reset/%ZZ" with a 500: it is the client's mistake.
  if (hasMalformedEscape(pathname)) return new NextResponse("Bad request", { status: 400 });
  // A cross-site or oversized server-action post: Next.js would answer 500 (lib/server-action-request.ts).
  const refusal = serverActionRefusal({ method: request.method, pathname, headers: request.headers });
  if (refusal) return new NextResponse(refusal.message, { status: refusal.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const busy = hashingBusyResponse({ method: request.method, pathname, headers: request.headers });
  if (busy) return busy;
  if (PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`))) return NextResponse.next();
  const hasSessionCookie = request.cookies.has(sessionCookie(true).name) || request.cookies.has(sessionCookie(false).name);
  if (hasSessionCookie) return NextResponse.next();
  return NextResponse.redirect(new URL("/login", request.url));
}

export const config = {
  // Pages and the server actions posted to them; not static files or images.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
