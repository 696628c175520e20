import http from "node:http";
import { expect, test } from "./fixtures";
import { allServerActions } from "./manifests";

/*
 * Bodies over the limit are refused before they are read (lib/body-limit):
 * 413 when Content-Length says so; a chunked body without one is cut off
 * where it is read. Never a 500.
 */

const ROUTE_HANDLERS = ["/api/auth/callback/sso", "/api/v1/users", "/api/v1/no-such-endpoint", "/login/duo/callback"];

/** Sends `total` bytes in 16 KiB chunks with no Content-Length, stopping when the server answers. */
function postChunked(
  baseURL: string,
  path: string,
  total: number,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    const request = http.request(new URL(path, baseURL), {
      method: "POST",
      headers: { "transfer-encoding": "chunked", "content-type": "application/x-www-form-urlencoded", ...headers },
    });
    request.on("response", (response) => {
      status = response.statusCode;
      response.resume();
      response.on("end", () => resolve(status!));
    });
    // The server may answer and close before the whole body is sent: that is the point.
    request.on("error", (error) => (status === undefined ? reject(error) : resolve(status)));
    const chunk = Buffer.alloc(16 * 1024, "a");
    let sent = 0;
    const writeMore = () => {
      while (sent < total && status === undefined) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", writeMore);
      }
      request.end();
    };
    writeMore();
  });
}

test("route handlers answer 413 to a Content-Length over 64 KiB, before reading it", async ({ request }) => {
  for (const path of ROUTE_HANDLERS) {
    const oversized = await request.post(path, {
      data: "a".repeat(65 * 1024),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      maxRedirects: 0,
    });
    expect(oversized.status(), path).toBe(413);
    expect(await oversized.text(), path).toBe("That request is too large.");
    // The size made the difference: a small body gets the route's own answer.
    const small = await request.post(path, {
      data: "a=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      maxRedirects: 0,
    });
    expect(small.status(), path).not.toBe(413);
    expect(small.status(), path).toBeLessThan(500);
  }
});

test("server actions answer 413 to a Content-Length over 100 KiB", async ({ request }) => {
  const signIn = allServerActions().find((action) => action.name === "signInAction")!;
  const headers = { "next-action": signIn.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
  const oversized = await request.post("/login", {
    data: `["${"a".repeat(2 * 1024 * 1024)}"]`,
    headers,
    maxRedirects: 0,
  });
  expect(oversized.status()).toBe(413);
});

test("a chunked body over the limit gets a 4xx, never a 500", async ({ baseURL }) => {
  for (const path of ROUTE_HANDLERS) {
    const status = await postChunked(baseURL!, path, 1024 * 1024);
    expect(status, path).toBeGreaterThanOrEqual(400);
    expect(status, path).toBeLessThan(500);
  }
  // The SSO callback reads its body: it stops at the limit and says why.
  expect(await postChunked(baseURL!, "/api/auth/callback/sso", 1024 * 1024)).toBe(413);
  // A server action: browsers always send a length, and Next.js answers its own limit with a 500, so proxy.ts asks for one.
  const signIn = allServerActions().find((action) => action.name === "signInAction")!;
  const status = await postChunked(baseURL!, "/login", 1024 * 1024, {
    "next-action": signIn.id,
    "content-type": "text/plain;charset=UTF-8",
    accept: "text/x-component",
  });
  expect(status).toBe(411);
});
