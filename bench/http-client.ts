import http from "node:http";

/*
 * A plain keep-alive HTTP client for the sign-in steps. Lighter than fetch
 * (no web streams, no FormData encoder, no decompression of bodies nobody
 * reads), so the load generator, which shares the machine's cores with the
 * server, takes as little of them as it can.
 */

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export type Answer = { status: number; headers: http.IncomingHttpHeaders };

/** POSTs `body` and reads the answer to its end (as a browser would), keeping only status and headers. */
export function post(url: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", agent, headers: { ...headers, "content-length": String(body.length) } },
      (response) => {
        response.on("data", () => {});
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
