import { hashingQueueRefusal } from "@/lib/auth/hashing-queue";

/**
 * Pages whose server actions hash or verify a password: signing in, a reset
 * or invitation setting one, a setup link asking for it, confirming access,
 * and the profile (changing the password, steps that ask for it).
 */
const HASHING_PATHS = [
  /^\/login$/,
  /^\/login\/reset\/[^/]+$/,
  /^\/invite\/[^/]+$/,
  /^\/setup\/[^/]+$/,
  /^\/confirm-access$/,
  /^\/profile$/,
];

/**
 * For proxy.ts: a 503 with Retry-After for a server-action POST that would
 * hash while the hashing queue is full. Server actions cannot set a status
 * code (they answer 200 with a form state), so only the proxy, which runs in
 * the same Node.js process and sees the queue through globalThis, can give
 * clients and load balancers the standard signal (RFC 9110 §15.6.4). The
 * action still checks for itself, and says "Twofold is busy" in the form, for
 * the request that slips in between.
 */
export function hashingBusyResponse(request: { method: string; pathname: string; headers: Headers }): Response | null {
  if (request.method !== "POST" || !request.headers.has("next-action")) return null;
  if (!HASHING_PATHS.some((path) => path.test(request.pathname))) return null;
  const refusal = hashingQueueRefusal();
  if (!refusal) return null;
  return new Response("Twofold is busy. Try again in a few seconds.", {
    status: 503,
    headers: {
      "Retry-After": String(refusal.retryAfterSeconds),
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}
