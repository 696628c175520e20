import http from "node:http";

/*
 * CONNECT, TRACE and TRACK are methods the Fetch standard forbids: Next.js
 * builds a `Request` for every route handler and for proxy.ts, whose
 * constructor throws on them, so Next answers 500 and logs an error before
 * any code of ours runs (found by `npm run soak`). No page or route of
 * Twofold takes them, and TRACE is the cross-site tracing method (OWASP ASVS
 * 5.0 V13.4: the server does not expose methods it does not use), so the
 * HTTP server answers them 405 itself. Next.js offers no hook earlier than
 * this one, which wraps the server's "request" event at start.
 */
// TRACK never gets here: Node's HTTP parser answers it 400 itself.
export const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

type Emit = http.Server["emit"];

export function answerForbiddenMethod(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  if (!FORBIDDEN_METHODS.has(request.method ?? "")) return false;
  response.writeHead(405, {
    Allow: "GET, HEAD, POST",
    "Content-Type": "text/plain; charset=utf-8",
    Connection: "close",
  });
  response.end("Method not allowed.");
  return true;
}

let installed = false;

/** Makes every HTTP server in this process answer the forbidden methods with 405 before its own listeners run. */
export function refuseForbiddenMethods(): void {
  if (installed) return;
  installed = true;
  const emit: Emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && answerForbiddenMethod(args[0] as http.IncomingMessage, args[1] as http.ServerResponse))
      return true;
    return emit.apply(this, [event, ...args] as Parameters<Emit>);
  } as Emit;
}
