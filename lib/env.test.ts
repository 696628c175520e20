import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, loadEnv } from "@/lib/env";

const key = crypto.randomBytes(32).toString("base64");
const secret = crypto.randomBytes(32).toString("base64");

describe("environment", () => {
  it("stops production without AUTH_SECRET or APP_ENCRYPTION_KEY, saying what to do", () => {
    expect(() => loadEnv({ NODE_ENV: "production", APP_ENCRYPTION_KEY: key })).toThrow(/AUTH_SECRET is not set/);
    expect(() => loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret })).toThrow(ConfigurationError);
  });

  it("refuses an encryption key that is not 32 bytes", () => {
    expect(() => loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/32 bytes/);
  });

  it("decodes the key and applies defaults", () => {
    const env = loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: key });
    expect(env.APP_ENCRYPTION_KEY).toHaveLength(32);
    expect(env.DATABASE_URL).toBe("file:./data/twofold.db");
    expect(env.RESEND_API_KEY).toBeUndefined();
  });
});
