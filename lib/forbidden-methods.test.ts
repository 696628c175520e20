import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseForbiddenMethods } from "@/lib/forbidden-methods";

describe("methods the Fetch standard forbids", () => {
  let server: http.Server;
  let port: number;
  let reachedTheApp: string[] = [];

  beforeAll(async () => {
    refuseForbiddenMethods();
    server = http.createServer((request, response) => {
      reachedTheApp.push(request.method!);
      response.end("app");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (method: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, method, path: "/api/v1/users" }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body }));
      });
      request.on("error", reject);
      request.end();
    });

  it("answers TRACE with 405 before the app sees it, and lets every other method through", async () => {
    reachedTheApp = [];
    expect(await send("TRACE")).toEqual({ status: 405, body: "Method not allowed." });
    expect(await send("GET")).toEqual({ status: 200, body: "app" });
    expect(await send("DELETE")).toEqual({ status: 200, body: "app" });
    expect(reachedTheApp).toEqual(["GET", "DELETE"]);
  });
});
