import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigurationError, loadEnv } from "@/lib/env";
import { checkOutboxInProduction, outboxChannels } from "@/lib/messaging/outbox-choice";

const production = {
  NODE_ENV: "production",
  AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
  APP_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
} as const;
const resend = { RESEND_API_KEY: "re_1", EMAIL_FROM: "Acme <no-reply@acme.test>" };
const twilio = { TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t", TWILIO_FROM: "+15005550006" };

/** What the server does at start with this environment: "start", "warn" or "refuse". */
function startsWith(source: NodeJS.ProcessEnv): "start" | "warn" | "refuse" {
  try {
    return checkOutboxInProduction(loadEnv(source)) === null ? "start" : "warn";
  } catch (error) {
    if (error instanceof ConfigurationError) return "refuse";
    throw error;
  }
}

describe("the outbox in production is an explicit choice", () => {
  it.each([
    ["production, both providers", { ...production, ...resend, ...twilio }, "start"],
    ["production, no email provider", { ...production, ...twilio }, "refuse"],
    ["production, no SMS provider", { ...production, ...resend }, "refuse"],
    ["production, no provider at all", { ...production }, "refuse"],
    ["production, no providers, OUTBOX_IN_PRODUCTION=1", { ...production, OUTBOX_IN_PRODUCTION: "1" }, "warn"],
    ["production, no providers, OUTBOX_IN_PRODUCTION=true", { ...production, OUTBOX_IN_PRODUCTION: "true" }, "warn"],
    ["production, no providers, OUTBOX_IN_PRODUCTION=0", { ...production, OUTBOX_IN_PRODUCTION: "0" }, "refuse"],
    ["production, no providers, OUTBOX_IN_PRODUCTION empty", { ...production, OUTBOX_IN_PRODUCTION: "" }, "refuse"],
    [
      "production, both providers, OUTBOX_IN_PRODUCTION=1",
      { ...production, ...resend, ...twilio, OUTBOX_IN_PRODUCTION: "1" },
      "start",
    ],
    ["development, no providers", { ...production, NODE_ENV: "development" }, "start"],
    ["test, no providers", { ...production, NODE_ENV: "test" }, "start"],
  ] as const)("%s: %s", (_, source, expected) => {
    expect(startsWith(source)).toBe(expected);
  });

  it("refuses an OUTBOX_IN_PRODUCTION that is not a yes or a no", () => {
    expect(() => loadEnv({ ...production, OUTBOX_IN_PRODUCTION: "yes please" })).toThrow(/OUTBOX_IN_PRODUCTION/);
  });

  it("names the missing variables and says that codes and links would be stored in the database", () => {
    expect(() => checkOutboxInProduction(loadEnv({ ...production, ...twilio }))).toThrow(
      "Email has no provider (set RESEND_API_KEY and EMAIL_FROM). Configure the provider, or set OUTBOX_IN_PRODUCTION=1 to keep those messages in the outbox table instead: sign-in codes and links are then stored in the database and never delivered.",
    );
    expect(() => checkOutboxInProduction(loadEnv({ ...production, ...resend }))).toThrow(
      /^SMS has no provider \(set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM\)\./,
    );
  });

  it("warns clearly when the outbox is chosen, and says when /dev/outbox lists it to anyone", () => {
    const warning = checkOutboxInProduction(loadEnv({ ...production, ...resend, OUTBOX_IN_PRODUCTION: "1" }));
    expect(warning).toBe(
      "Twofold: OUTBOX_IN_PRODUCTION is set and SMS has no provider (set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM), so those messages are kept in the outbox table: sign-in codes and links are stored in the database and never delivered. Configure the providers before real users sign in.",
    );
    expect(checkOutboxInProduction(loadEnv({ ...production, OUTBOX_IN_PRODUCTION: "1" }))).toMatch(
      /^Twofold: OUTBOX_IN_PRODUCTION is set and email has no provider \(set RESEND_API_KEY and EMAIL_FROM\); SMS has no provider /,
    );
    expect(checkOutboxInProduction(loadEnv({ ...production, OUTBOX_IN_PRODUCTION: "1", OUTBOX_PUBLIC: "1" }))).toMatch(
      /listed to anyone at \/dev\/outbox because OUTBOX_PUBLIC is set/,
    );
  });

  it("lists the channels without a provider", () => {
    expect(outboxChannels(loadEnv({ ...production, OUTBOX_IN_PRODUCTION: "1" }))).toEqual(["email", "sms"]);
    expect(outboxChannels(loadEnv({ ...production, ...resend, ...twilio }))).toEqual([]);
  });
});
