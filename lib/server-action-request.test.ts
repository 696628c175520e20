import { describe, expect, it } from "vitest";
import { isCrossOrigin, serverActionRefusal } from "@/lib/server-action-request";

const post = (headers: Record<string, string>, method = "POST", pathname = "/profile") => ({
  method,
  pathname,
  headers: new Headers(headers),
});
const action = {
  host: "twofold.example",
  "next-action": "7f".padEnd(42, "0"),
  "content-type": "multipart/form-data; boundary=x",
};

describe("server-action posts Next.js would answer with a 500", () => {
  it.each([
    ["another site", { origin: "https://evil.example" }],
    ["a sandboxed frame's null origin", { origin: "null" }],
    ["an origin that is not a URL", { origin: "https://twofold.example, evil.example" }],
    ["an empty origin", { origin: "" }],
    [
      "a forged X-Forwarded-Host the origin does not match",
      { origin: "https://twofold.example", "x-forwarded-host": "ADMIN@SOAK.TEST" },
    ],
  ])("refuses %s with a 403", (_case, headers) => {
    expect(serverActionRefusal(post({ ...action, ...headers }))?.status).toBe(403);
  });

  it("lets the app's own origin through, behind a proxy that sets X-Forwarded-Host too", () => {
    expect(serverActionRefusal(post({ ...action, origin: "https://twofold.example" }))).toBeNull();
    expect(
      serverActionRefusal(
        post({
          ...action,
          host: "127.0.0.1:3000",
          "x-forwarded-host": "twofold.example",
          origin: "https://twofold.example",
        }),
      ),
    ).toBeNull();
  });

  it("lets a post without an Origin through, as Next.js does (old browsers, scripts without cookies)", () => {
    expect(isCrossOrigin(new Headers({ host: "twofold.example" }))).toBe(false);
  });

  it("covers forms posted without JavaScript, and leaves other requests alone", () => {
    expect(
      serverActionRefusal(
        post({
          host: "twofold.example",
          origin: "https://evil.example",
          "content-type": "application/x-www-form-urlencoded",
        }),
      )?.status,
    ).toBe(403);
    expect(
      serverActionRefusal(
        post({ host: "twofold.example", origin: "https://evil.example", "content-type": "application/json" }),
      ),
    ).toBeNull();
    expect(serverActionRefusal(post({ ...action, origin: "https://evil.example" }, "GET"))).toBeNull();
    // An identity provider's form_post callback comes from its own site, to a route handler.
    expect(
      serverActionRefusal(
        post(
          {
            host: "twofold.example",
            origin: "https://idp.example",
            "content-type": "application/x-www-form-urlencoded",
          },
          "POST",
          "/api/auth/callback/sso",
        ),
      ),
    ).toBeNull();
  });
});
