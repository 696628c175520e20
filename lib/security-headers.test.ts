import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, securityHeaders } from "@/lib/security-headers";

const nonce = "bm9uY2Utbm9uY2Utbm9uY2U=";

describe("security headers", () => {
  it("sends HSTS only when APP_URL is https", () => {
    expect(
      securityHeaders({ nonce, appUrl: "https://twofold.example.com", development: false })[
        "Strict-Transport-Security"
      ],
    ).toBe("max-age=63072000; includeSubDomains");
    expect(securityHeaders({ nonce, appUrl: "http://twofold.example.com", development: false })).not.toHaveProperty(
      "Strict-Transport-Security",
    );
    expect(securityHeaders({ nonce, appUrl: undefined, development: true })).not.toHaveProperty(
      "Strict-Transport-Security",
    );
    expect(securityHeaders({ nonce, appUrl: "not a url", development: false })).not.toHaveProperty(
      "Strict-Transport-Security",
    );
  });

  it("is a strict nonce policy in production", () => {
    expect(contentSecurityPolicy({ nonce, appUrl: "https://twofold.example.com", development: false })).toBe(
      "default-src 'self'; script-src 'self' 'nonce-bm9uY2Utbm9uY2Utbm9uY2U=' 'strict-dynamic'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
        "frame-ancestors 'none'; upgrade-insecure-requests",
    );
  });

  it("allows eval only in development, and upgrades requests only over https", () => {
    const development = contentSecurityPolicy({ nonce, appUrl: undefined, development: true });
    expect(development).toContain("script-src 'self' 'nonce-bm9uY2Utbm9uY2Utbm9uY2U=' 'strict-dynamic' 'unsafe-eval';");
    expect(development).not.toContain("upgrade-insecure-requests");
    const productionOverHttp = contentSecurityPolicy({ nonce, appUrl: "http://localhost:3000", development: false });
    expect(productionOverHttp).not.toContain("unsafe-eval");
    expect(productionOverHttp).not.toContain("upgrade-insecure-requests");
    expect(productionOverHttp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("makes a new 128-bit nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const value of nonces) expect(Buffer.from(value, "base64")).toHaveLength(16);
  });
});
