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

describe("providers and the outbox", () => {
  const production = { NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: key } as const;

  it("refuses half a provider's credentials", () => {
    expect(() => loadEnv({ ...production, TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t" })).toThrow(/TWILIO_FROM/);
    expect(() => loadEnv({ ...production, RESEND_API_KEY: "re_1" })).toThrow(/EMAIL_FROM/);
    expect(loadEnv({ ...production, RESEND_API_KEY: "re_1", EMAIL_FROM: "Acme <no-reply@acme.test>" }).RESEND_API_KEY).toBe("re_1");
  });

  it("keeps the outbox private in production unless asked, and open in development", () => {
    expect(loadEnv(production).OUTBOX_PUBLIC).toBe(false);
    expect(loadEnv({ ...production, OUTBOX_PUBLIC: "1" }).OUTBOX_PUBLIC).toBe(true);
    expect(loadEnv({ ...production, NODE_ENV: "development" }).OUTBOX_PUBLIC).toBe(true);
  });

  it("takes SSO's organisation as a positive id, unset when empty", () => {
    expect(loadEnv(production).OIDC_ORGANISATION_ID).toBeUndefined();
    expect(loadEnv({ ...production, OIDC_ORGANISATION_ID: "" }).OIDC_ORGANISATION_ID).toBeUndefined();
    expect(loadEnv({ ...production, OIDC_ORGANISATION_ID: "7" }).OIDC_ORGANISATION_ID).toBe(7);
    expect(() => loadEnv({ ...production, OIDC_ORGANISATION_ID: "acme" })).toThrow(ConfigurationError);
    expect(() => loadEnv({ ...production, OIDC_ISSUER: "https://idp.example.com" })).toThrow(/OIDC_CLIENT_ID/);
  });

  it("caps text messages per organisation per hour, 500 unless configured", () => {
    expect(loadEnv(production).SMS_HOURLY_LIMIT).toBe(500);
    expect(loadEnv({ ...production, SMS_HOURLY_LIMIT: "20" }).SMS_HOURLY_LIMIT).toBe(20);
    expect(() => loadEnv({ ...production, SMS_HOURLY_LIMIT: "lots" })).toThrow(ConfigurationError);
    // Empty lines copied from .env.example mean "unset", not zero.
    expect(loadEnv({ ...production, SMS_HOURLY_LIMIT: "", OUTBOX_PUBLIC: "", TWILIO_API_BASE_URL: "" })).toMatchObject({
      SMS_HOURLY_LIMIT: 500,
      OUTBOX_PUBLIC: false,
      TWILIO_API_BASE_URL: undefined,
    });
  });

  it("reads TRUSTED_PROXIES as hops or ranges, 0 when unset, and stops at start on anything else", () => {
    expect(loadEnv(production).TRUSTED_PROXIES).toEqual({ kind: "hops", hops: 0 });
    expect(loadEnv({ ...production, TRUSTED_PROXIES: "1" }).TRUSTED_PROXIES).toEqual({ kind: "hops", hops: 1 });
    expect(loadEnv({ ...production, TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8" }).TRUSTED_PROXIES).toMatchObject({ kind: "ranges" });
    for (const wrong of ["yes", "10.0.0.0/40", "-1", "1,2"]) {
      expect(() => loadEnv({ ...production, TRUSTED_PROXIES: wrong }), wrong).toThrow(ConfigurationError);
      expect(() => loadEnv({ ...production, TRUSTED_PROXIES: wrong }), wrong).toThrow(/TRUSTED_PROXIES: must be the number of reverse proxies/);
    }
  });
});
