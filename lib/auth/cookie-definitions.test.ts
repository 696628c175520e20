import { describe, expect, it } from "vitest";
import { cookiesAreSecure, sessionCookie } from "@/lib/auth/cookie-definitions";

describe("secure cookies follow APP_URL", () => {
  it.each([
    ["https://twofold.example.com", true],
    ["HTTPS://twofold.example.com:8443/", true],
    ["http://twofold.example.com", false],
    ["http://localhost:3000", false],
    [undefined, false],
    ["", false],
  ])("APP_URL %j → Secure and __Host-: %j", (appUrl, expected) => {
    expect(cookiesAreSecure({ APP_URL: appUrl })).toBe(expected);
  });

  it("names the session cookie __Host- only when secure", () => {
    expect(sessionCookie(cookiesAreSecure({ APP_URL: "https://twofold.example.com" }))).toMatchObject({
      name: "__Host-twofold.session",
      options: { secure: true, httpOnly: true, path: "/" },
    });
    expect(sessionCookie(cookiesAreSecure({ APP_URL: "http://localhost:3000" }))).toMatchObject({
      name: "twofold.session",
      options: { secure: false },
    });
  });
});
