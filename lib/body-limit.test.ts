import { describe, expect, it } from "vitest";
import {
  bodyLimitFor,
  bodyLimitResponse,
  readBodyWithin,
  ROUTE_HANDLER_BODY_LIMIT_BYTES,
  withBoundedBody,
} from "@/lib/body-limit";

function chunkedStream(
  chunks: number,
  chunkSize: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(chunkSize).fill(65));
    },
  });
  return { stream, pulled: () => sent };
}

describe("body limits", () => {
  it("gives route handlers a smaller limit than server actions", () => {
    expect(bodyLimitFor("/api/auth/callback/sso")).toBe(64 * 1024);
    expect(bodyLimitFor("/api/v1/users")).toBe(64 * 1024);
    expect(bodyLimitFor("/login/duo/callback")).toBe(64 * 1024);
    expect(bodyLimitFor("/login")).toBe(100 * 1024);
  });

  it("refuses a declared Content-Length over the limit with a 413, before reading", async () => {
    const headers = (length: string) => new Headers({ "content-length": length });
    const refused = bodyLimitResponse({ pathname: "/api/v1/users", headers: headers(String(64 * 1024 + 1)) });
    expect(refused?.status).toBe(413);
    expect(await refused?.text()).toBe("That request is too large.");
    expect(bodyLimitResponse({ pathname: "/api/v1/users", headers: headers(String(64 * 1024)) })).toBeNull();
    expect(bodyLimitResponse({ pathname: "/login", headers: headers(String(90 * 1024)) })).toBeNull();
    expect(bodyLimitResponse({ pathname: "/login", headers: headers("99999999999999999999") })?.status).toBe(413);
    expect(bodyLimitResponse({ pathname: "/login", headers: new Headers() })).toBeNull();
  });

  it("asks for a Content-Length on a page or server action, and leaves chunked route-handler bodies to the bounded reader", () => {
    const chunked = new Headers({ "transfer-encoding": "chunked" });
    expect(bodyLimitResponse({ pathname: "/login", headers: chunked })?.status).toBe(411);
    expect(bodyLimitResponse({ pathname: "/admin/settings", headers: chunked })?.status).toBe(411);
    expect(bodyLimitResponse({ pathname: "/api/auth/callback/sso", headers: chunked })).toBeNull();
    expect(bodyLimitResponse({ pathname: "/api/v1/users", headers: chunked })).toBeNull();
  });

  it("stops reading a chunked body as soon as it passes the limit", async () => {
    const { stream, pulled } = chunkedStream(10_000, 1024);
    expect(await readBodyWithin(stream, ROUTE_HANDLER_BODY_LIMIT_BYTES)).toBeNull();
    expect(pulled()).toBeLessThanOrEqual(66);
  });

  it("reads a body within the limit whole", async () => {
    const { stream } = chunkedStream(3, 1000);
    expect((await readBodyWithin(stream, ROUTE_HANDLER_BODY_LIMIT_BYTES))?.byteLength).toBe(3000);
    expect((await readBodyWithin(null, 10))?.byteLength).toBe(0);
  });

  it("hands a route handler the same request, body buffered, or a 413", async () => {
    const small = await withBoundedBody(
      new Request("http://localhost/api/auth/callback/sso", { method: "POST", body: "code=abc&state=xyz" }),
    );
    expect(small).toBeInstanceOf(Request);
    expect(await (small as Request).text()).toBe("code=abc&state=xyz");
    const { stream } = chunkedStream(100, 1024);
    const large = await withBoundedBody(
      new Request("http://localhost/api/auth/callback/sso", {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(large).toBeInstanceOf(Response);
    expect((large as Response).status).toBe(413);
  });
});
