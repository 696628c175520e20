import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, loadEncryptionKeys, loadEnv } from "@/lib/env";

const key = crypto.randomBytes(32).toString("base64");
const secret = crypto.randomBytes(32).toString("base64");

describe("environment", () => {
  it("stops production without AUTH_SECRET or APP_ENCRYPTION_KEY, saying what to do", () => {
    expect(() => loadEnv({ NODE_ENV: "production", APP_ENCRYPTION_KEY: key })).toThrow(/AUTH_SECRET is not set/);
    expect(() => loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret })).toThrow(ConfigurationError);
  });

  it("refuses an encryption key that is not 32 bytes", () => {
    expect(() => loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(
      /32 bytes/,
    );
  });

  it("decodes the key and applies defaults", () => {
    const env = loadEnv({ NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: key });
    expect(env.APP_ENCRYPTION_KEYS).toEqual([{ key: Buffer.from(key, "base64"), source: "APP_ENCRYPTION_KEY" }]);
    // The server sees only the decoded ring, never the variable's text.
    expect(JSON.stringify(env)).not.toContain(key);
    expect(env.DATABASE_URL).toBe("file:./data/twofold.db");
    expect(env.RESEND_API_KEY).toBeUndefined();
  });
});

describe("encryption key ring (APP_ENCRYPTION_KEYS, then APP_ENCRYPTION_KEY)", () => {
  const keyB = crypto.randomBytes(32).toString("base64");
  const keyC = crypto.randomBytes(32).toString("base64");
  const production = { NODE_ENV: "production", AUTH_SECRET: secret } as const;
  const ring = (source: NodeJS.ProcessEnv) =>
    loadEncryptionKeys(source).map((entry) => [entry.key.toString("base64"), entry.source]);

  it("puts APP_ENCRYPTION_KEYS first, newest first, then APP_ENCRYPTION_KEY", () => {
    expect(ring({ ...production, APP_ENCRYPTION_KEYS: ` ${keyB} , ${keyC}`, APP_ENCRYPTION_KEY: key })).toEqual([
      [keyB, "APP_ENCRYPTION_KEYS entry 1"],
      [keyC, "APP_ENCRYPTION_KEYS entry 2"],
      [key, "APP_ENCRYPTION_KEY"],
    ]);
    expect(ring({ ...production, APP_ENCRYPTION_KEYS: keyB })).toEqual([[keyB, "APP_ENCRYPTION_KEYS entry 1"]]);
    expect(ring({ ...production, APP_ENCRYPTION_KEY: key, APP_ENCRYPTION_KEYS: "" })).toEqual([
      [key, "APP_ENCRYPTION_KEY"],
    ]);
    expect(
      loadEnv({ ...production, APP_ENCRYPTION_KEYS: `${keyB},${key}`, APP_ENCRYPTION_KEY: key }).APP_ENCRYPTION_KEYS,
    ).toHaveLength(3);
  });

  it("names the variable and the position of a bad entry, and never repeats a key", () => {
    const short = "c2hvcnQ=";
    const refusal = (source: NodeJS.ProcessEnv) => {
      try {
        loadEncryptionKeys(source);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigurationError);
        return (error as Error).message;
      }
      throw new Error("accepted");
    };
    expect(refusal({ ...production, APP_ENCRYPTION_KEYS: `${keyB},${short}` })).toMatch(
      /^APP_ENCRYPTION_KEYS entry 2 \(of 2\) is not 32 bytes encoded as base64/,
    );
    expect(refusal({ ...production, APP_ENCRYPTION_KEYS: `${keyB},,${keyC}` })).toMatch(
      /^APP_ENCRYPTION_KEYS entry 2 \(of 3\) is empty/,
    );
    expect(refusal({ ...production, APP_ENCRYPTION_KEYS: `${keyB},` })).toMatch(/entry 2 \(of 2\) is empty/);
    // Characters base64 does not know would be skipped silently and change the key: refused instead.
    const quoted = `"${keyC}"`;
    expect(refusal({ ...production, APP_ENCRYPTION_KEYS: quoted })).toMatch(/entry 1 \(of 1\)/);
    expect(
      refusal({ ...production, APP_ENCRYPTION_KEYS: keyB, APP_ENCRYPTION_KEY: `${key.slice(0, 20)} ${key.slice(20)}` }),
    ).toMatch(/^APP_ENCRYPTION_KEY must be 32 bytes/);
    expect(refusal({ ...production, APP_ENCRYPTION_KEYS: `${keyB};${keyC}` })).not.toContain(keyB);
    expect(refusal(production)).toMatch(/APP_ENCRYPTION_KEY is not set \(nor APP_ENCRYPTION_KEYS\)/);
  });

  it("accepts base64url keys as well", () => {
    const url = Buffer.from(keyB, "base64").toString("base64url");
    expect(
      loadEncryptionKeys({ ...production, APP_ENCRYPTION_KEY: url })[0]!.key.equals(Buffer.from(keyB, "base64")),
    ).toBe(true);
  });
});

describe("providers and the outbox", () => {
  const production = { NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: key } as const;

  it("refuses half a provider's credentials", () => {
    expect(() => loadEnv({ ...production, TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t" })).toThrow(/TWILIO_FROM/);
    expect(() => loadEnv({ ...production, RESEND_API_KEY: "re_1" })).toThrow(/EMAIL_FROM/);
    expect(
      loadEnv({ ...production, RESEND_API_KEY: "re_1", EMAIL_FROM: "Acme <no-reply@acme.test>" }).RESEND_API_KEY,
    ).toBe("re_1");
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
    expect(loadEnv({ ...production, TRUSTED_PROXIES: "10.0.0.0/8, fd00::/8" }).TRUSTED_PROXIES).toMatchObject({
      kind: "ranges",
    });
    for (const wrong of ["yes", "10.0.0.0/40", "-1", "1,2"]) {
      expect(() => loadEnv({ ...production, TRUSTED_PROXIES: wrong }), wrong).toThrow(ConfigurationError);
      expect(() => loadEnv({ ...production, TRUSTED_PROXIES: wrong }), wrong).toThrow(
        /TRUSTED_PROXIES: must be the number of reverse proxies/,
      );
    }
  });
});

describe("Duo hosts and SSO rules", () => {
  const production = { NODE_ENV: "production", AUTH_SECRET: secret, APP_ENCRYPTION_KEY: key } as const;

  it("reads DUO_ALLOWED_API_HOSTS as exact hosts, and names a bad entry", () => {
    expect(loadEnv(production).DUO_ALLOWED_API_HOSTS).toEqual([]);
    expect(
      loadEnv({ ...production, DUO_ALLOWED_API_HOSTS: "127.0.0.1:8443, Duo.Internal" }).DUO_ALLOWED_API_HOSTS,
    ).toEqual(["127.0.0.1:8443", "duo.internal"]);
    expect(() => loadEnv({ ...production, DUO_ALLOWED_API_HOSTS: "https://duo.internal" })).toThrow(
      /DUO_ALLOWED_API_HOSTS: "https:\/\/duo.internal" is not a host name/,
    );
  });

  it("reads OIDC_ALLOWED_DOMAINS, and names a wildcard or an address", () => {
    expect(loadEnv(production).OIDC_ALLOWED_DOMAINS).toEqual([]);
    expect(loadEnv({ ...production, OIDC_ALLOWED_DOMAINS: "Example.com, @example.org" }).OIDC_ALLOWED_DOMAINS).toEqual([
      "example.com",
      "example.org",
    ]);
    expect(() => loadEnv({ ...production, OIDC_ALLOWED_DOMAINS: "*.example.com" })).toThrow(
      /OIDC_ALLOWED_DOMAINS: "\*.example.com" is not an email domain/,
    );
    expect(() => loadEnv({ ...production, OIDC_ALLOWED_DOMAINS: "ada@example.com" })).toThrow(ConfigurationError);
  });

  it("takes OIDC_REQUIRE_MFA_FOR_ADMINS as 1 or 0, off when unset", () => {
    expect(loadEnv(production).OIDC_REQUIRE_MFA_FOR_ADMINS).toBe(false);
    expect(loadEnv({ ...production, OIDC_REQUIRE_MFA_FOR_ADMINS: "" }).OIDC_REQUIRE_MFA_FOR_ADMINS).toBe(false);
    expect(loadEnv({ ...production, OIDC_REQUIRE_MFA_FOR_ADMINS: "1" }).OIDC_REQUIRE_MFA_FOR_ADMINS).toBe(true);
    expect(() => loadEnv({ ...production, OIDC_REQUIRE_MFA_FOR_ADMINS: "yes" })).toThrow(
      /OIDC_REQUIRE_MFA_FOR_ADMINS: Use 1/,
    );
  });
});
