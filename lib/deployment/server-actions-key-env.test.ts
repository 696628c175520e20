import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, loadEnv } from "@/lib/env";

const base = {
  NODE_ENV: "test",
  AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
  APP_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
} as const;

describe("NEXT_SERVER_ACTIONS_ENCRYPTION_KEY", () => {
  it.each([16, 24, 32])("a %i-byte base64 key is accepted", (bytes) => {
    const value = crypto.randomBytes(bytes).toString("base64");
    expect(loadEnv({ ...base, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: value }).NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBe(
      value,
    );
  });

  it("unset or empty is fine: the build's own key serves every process of that build", () => {
    expect(loadEnv({ ...base, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "" }).NEXT_SERVER_ACTIONS_ENCRYPTION_KEY).toBe(
      undefined,
    );
  });

  it.each([
    ["a short key", crypto.randomBytes(20).toString("base64")],
    ["base64url, which Next.js's atob() cannot read", "_-" + crypto.randomBytes(30).toString("base64url")],
    ["a passphrase", "correct horse battery staple"],
  ])("%s stops the server, naming the variable and not the value", (_, value) => {
    const load = () => loadEnv({ ...base, NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: value });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: must be an AES key of 16, 24 or 32 bytes/);
    expect(() => load()).not.toThrow(value);
  });
});
