/*
 * Request bodies are refused before they are read when they are larger than
 * anything Twofold's forms or routes take, so a stranger cannot make the server
 * buffer megabytes (OWASP API Security Top 10 2023, API4: unrestricted
 * resource consumption). Route handlers take almost nothing: the identity provider's
 * form_post to the SSO callback is a few kilobytes; the API and the Duo
 * callback are read by GET.
 */

export const ROUTE_HANDLER_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Server actions: next.config.ts gives Next.js the same figure
 * (experimental.serverActions.bodySizeLimit) for bodies sent without a
 * Content-Length. The largest form, a note in a text area or a list of
 * permissions, is a few kilobytes; Next.js's default is 1 MB.
 */
export const SERVER_ACTION_BODY_LIMIT = "100kb";
export const SERVER_ACTION_BODY_LIMIT_BYTES = 100 * 1024;

/** Route handlers of ours: Auth.js (the SSO callback), the API and Duo's callback. */
const ROUTE_HANDLER_PATHS = [/^\/api\//, /^\/login\/duo\/(callback|start)$/];

function isRouteHandler(pathname: string): boolean {
  return ROUTE_HANDLER_PATHS.some((path) => path.test(pathname));
}

export function bodyLimitFor(pathname: string): number {
  return isRouteHandler(pathname) ? ROUTE_HANDLER_BODY_LIMIT_BYTES : SERVER_ACTION_BODY_LIMIT_BYTES;
}

const TOO_LARGE_MESSAGE = "That request is too large.";

const PLAIN_TEXT = { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" };

function tooLarge(): Response {
  return new Response(TOO_LARGE_MESSAGE, { status: 413, headers: PLAIN_TEXT });
}

/**
 * For proxy.ts: a 413 for a request whose Content-Length says its body is
 * over the limit for its path, before anything reads it. A body without
 * Content-Length (chunked) is bounded where a route handler reads it
 * (readBodyWithin below). Pages and their server actions get a 411 for one:
 * browsers always send the length of a form or an action's body, and Next.js
 * answers an action body over its own limit with a 500, not a 413.
 */
export function bodyLimitResponse(request: { pathname: string; headers: Headers }): Response | null {
  const declared = request.headers.get("content-length");
  if (declared === null) {
    if (!request.headers.has("transfer-encoding") || isRouteHandler(request.pathname)) return null;
    return new Response("Send the request with a Content-Length.", { status: 411, headers: PLAIN_TEXT });
  }
  if (!/^\d+$/.test(declared.trim())) return null;
  return Number(declared) > bodyLimitFor(request.pathname) ? tooLarge() : null;
}

/**
 * Reads a body, stopping as soon as it passes `limit` bytes, so a chunked
 * body of any length costs at most `limit` bytes of memory. Null when over.
 */
export async function readBodyWithin(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!body) return new Uint8Array(new ArrayBuffer(0));
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

/** The request with its body read within the route handlers' limit, or a 413 to answer instead. */
export async function withBoundedBody(request: Request): Promise<Request | Response> {
  if (request.method === "GET" || request.method === "HEAD") return request;
  const body = await readBodyWithin(request.body, ROUTE_HANDLER_BODY_LIMIT_BYTES);
  if (!body) return tooLarge();
  const headers = new Headers(request.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(body.byteLength));
  return new Request(request.url, { method: request.method, headers, body: body.byteLength > 0 ? body : undefined });
}
