import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

/** proxy.ts as the server would load it with this environment (settings are read once per process). */
async function proxyWith(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import("@/proxy")).proxy;
}

afterEach(() => vi.unstubAllEnvs());

/** The request headers proxy.ts hands on to Next.js (its x-middleware-request-* override). */
function forwardedRequestHeaders(response: Response): Record<string, string | null> {
  const names = response.headers.get("x-middleware-override-headers")?.split(",") ?? [];
  return Object.fromEntries(names.map((name) => [name, response.headers.get(`x-middleware-request-${name}`)]));
}

describe("proxy.ts", () => {
  it("puts one fresh nonce on the response's policy and on the request Next.js renders from", async () => {
    const proxy = await proxyWith({ APP_URL: "https://twofold.example.com", NODE_ENV: "production" });
    const response = await proxy(new NextRequest("http://127.0.0.1:3000/login"));
    const policy = response.headers.get("content-security-policy")!;
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+={0,2}' 'strict-dynamic';/);
    expect(forwardedRequestHeaders(response)["content-security-policy"]).toBe(policy);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    const again = await proxy(new NextRequest("http://127.0.0.1:3000/login"));
    expect(again.headers.get("content-security-policy")).not.toBe(policy);
  });

  it("never sends HSTS when APP_URL is http, whatever X-Forwarded-Proto claims", async () => {
    const proxy = await proxyWith({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    const response = await proxy(
      new NextRequest("http://localhost:3000/login", { headers: { "x-forwarded-proto": "https" } }),
    );
    expect(response.headers.get("strict-transport-security")).toBeNull();
    expect(response.headers.get("content-security-policy")).not.toContain("upgrade-insecure-requests");
  });

  it("with no trusted proxy, drops the client's own X-Forwarded-For so Next.js writes the socket's address", async () => {
    const proxy = await proxyWith({ APP_URL: "http://localhost:3000", NODE_ENV: "production", TRUSTED_PROXIES: "0" });
    const headers = forwardedRequestHeaders(
      await proxy(
        new NextRequest("http://localhost:3000/login", {
          headers: { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6" },
        }),
      ),
    );
    expect(headers).not.toHaveProperty("x-forwarded-for");
    expect(headers).not.toHaveProperty("x-real-ip");
  });

  it("with a trusted proxy, passes X-Forwarded-For on for clientIp to read", async () => {
    const proxy = await proxyWith({ APP_URL: "http://localhost:3000", NODE_ENV: "production", TRUSTED_PROXIES: "1" });
    const headers = forwardedRequestHeaders(
      await proxy(
        new NextRequest("http://localhost:3000/login", { headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.7" } }),
      ),
    );
    expect(headers["x-forwarded-for"]).toBe("6.6.6.6, 203.0.113.7");
  });

  it("hands Next.js and Auth.js APP_URL's scheme and host, never the client's X-Forwarded-Proto/Host", async () => {
    // A hostile "https,http" made Auth.js's signOut() throw "Invalid URL" (a 500 in the soak); a forged host chose its redirects' host.
    const proxy = await proxyWith({
      APP_URL: "https://twofold.example.com",
      NODE_ENV: "production",
      TRUSTED_PROXIES: "1",
    });
    const hostile = {
      cookie: "__Host-twofold.session=abc",
      "x-forwarded-proto": "https,http",
      "x-forwarded-host": "evil.example, twofold.example.com",
    };
    const headers = forwardedRequestHeaders(
      await proxy(new NextRequest("http://127.0.0.1:3000/profile", { headers: hostile })),
    );
    expect(headers["x-forwarded-proto"]).toBe("https");
    expect(headers["x-forwarded-host"]).toBe("twofold.example.com");
    // What @auth/core's createActionURL builds from them parses.
    expect(new URL(`${headers["x-forwarded-proto"]}://${headers["x-forwarded-host"]}/api/auth/signout`).origin).toBe(
      "https://twofold.example.com",
    );
  });

  it("without APP_URL (development), hands on the request's own scheme and host, not the forwarded ones", async () => {
    const proxy = await proxyWith({ APP_URL: "", NODE_ENV: "development" });
    const hostile = { cookie: "twofold.session=abc", "x-forwarded-proto": "javascript", "x-forwarded-host": "a b/c" };
    const headers = forwardedRequestHeaders(
      await proxy(new NextRequest("http://localhost:3000/profile", { headers: hostile })),
    );
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-forwarded-host"]).toBe("localhost:3000");
    // Browsing by another name (127.0.0.1, a LAN address): the Host the browser sent, which its Origin matches.
    const byAddress = forwardedRequestHeaders(
      await proxy(
        new NextRequest("http://localhost:3000/profile", { headers: { ...hostile, host: "127.0.0.1:3000" } }),
      ),
    );
    expect(byAddress["x-forwarded-host"]).toBe("127.0.0.1:3000");
    for (const host of ["evil.example@127.0.0.1:3000", "a, b", "x/y"]) {
      const refused = forwardedRequestHeaders(
        await proxy(new NextRequest("http://localhost:3000/profile", { headers: { ...hostile, host } })),
      );
      expect(refused["x-forwarded-host"]).toBe("localhost:3000");
    }
  });

  it("refuses a server action whose Origin is not APP_URL's, as Next.js (comparing with the host proxy.ts hands it) would", async () => {
    const proxy = await proxyWith({ APP_URL: "https://twofold.example.com", NODE_ENV: "production" });
    const post = (headers: Record<string, string>) =>
      proxy(
        new NextRequest("http://127.0.0.1:3000/login", {
          method: "POST",
          headers: { "next-action": "x", "content-length": "10", ...headers },
        }),
      );
    // The client's own X-Forwarded-Host no longer makes a cross-site Origin look same-site.
    expect(
      (await post({ origin: "https://evil.example", host: "127.0.0.1:3000", "x-forwarded-host": "evil.example" }))
        .status,
    ).toBe(403);
    expect(
      (await post({ origin: "https://twofold.example.com", host: "127.0.0.1:3000" })).headers.get("x-middleware-next"),
    ).toBe("1");
  });

  it("looks for the session cookie by the name APP_URL gives it, not by the request's scheme", async () => {
    const proxy = await proxyWith({ APP_URL: "https://twofold.example.com", NODE_ENV: "production" });
    const withPlainName = await proxy(
      new NextRequest("https://twofold.example.com/profile", {
        headers: { cookie: "twofold.session=abc", "x-forwarded-proto": "http" },
      }),
    );
    expect(withPlainName.status).toBe(307);
    expect(withPlainName.headers.get("location")).toBe("https://twofold.example.com/login");
    const withHostName = await proxy(
      new NextRequest("https://twofold.example.com/profile", { headers: { cookie: "__Host-twofold.session=abc" } }),
    );
    expect(withHostName.headers.get("x-middleware-next")).toBe("1");
    expect(withPlainName.headers.get("content-security-policy")).toContain("'nonce-");
  });

  it("refuses oversized bodies, and chunked ones to a page, before Next.js reads them", async () => {
    const proxy = await proxyWith({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    const post = async (path: string, headers: Record<string, string>) =>
      proxy(new NextRequest(`http://localhost:3000${path}`, { method: "POST", headers }));
    expect((await post("/api/v1/users", { "content-length": String(65 * 1024) })).status).toBe(413);
    expect((await post("/login", { "content-length": String(101 * 1024), "next-action": "x" })).status).toBe(413);
    expect((await post("/login", { "transfer-encoding": "chunked", "next-action": "x" })).status).toBe(411);
    expect(
      (await post("/login", { "content-length": "2000", "next-action": "x" })).headers.get("x-middleware-next"),
    ).toBe("1");
  });
});
