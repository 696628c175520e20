import { describe, expect, it } from "vitest";
import { relyingPartyFrom } from "@/lib/webauthn/relying-party";

describe("relyingPartyFrom", () => {
  it.each([
    ["https://twofold.example.com", "twofold.example.com", "https://twofold.example.com"],
    ["https://twofold.example.com:8443/some/path", "twofold.example.com", "https://twofold.example.com:8443"],
    ["http://localhost:3100", "localhost", "http://localhost:3100"],
  ])("APP_URL %s gives the id %s and the origin %s", (appUrl, id, origin) => {
    expect(relyingPartyFrom({ APP_URL: appUrl, NODE_ENV: "production", PORT: 3000 })).toEqual({
      id,
      origin,
      name: "Twofold",
    });
  });

  it("falls back to http://localhost:PORT in development, like links do", () => {
    expect(relyingPartyFrom({ APP_URL: undefined, NODE_ENV: "development", PORT: 3005 }, "Acme")).toEqual({
      id: "localhost",
      origin: "http://localhost:3005",
      name: "Acme",
    });
  });
});
