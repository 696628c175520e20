import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resendTransport } from "@/lib/messaging/resend";
import { twilioTransport } from "@/lib/messaging/twilio";
import { DeliveryError } from "@/lib/messaging/types";
import type { StandIn } from "@/test/stand-ins/provider-stand-in";
import { startResendStandIn, STAND_IN_RESEND_KEY } from "@/test/stand-ins/resend";
import { startTwilioStandIn, STAND_IN_ACCOUNT_SID, STAND_IN_AUTH_TOKEN } from "@/test/stand-ins/twilio";

/* The real Twilio and Resend SDKs, pointed at local stand-ins for their APIs. */

async function failureOf(sending: Promise<void>): Promise<DeliveryError> {
  const error = await sending.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("Twilio transport", () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startTwilioStandIn();
  });
  afterAll(() => standIn.close());

  const transport = (overrides: { authToken?: string; from?: string } = {}) =>
    twilioTransport({
      accountSid: STAND_IN_ACCOUNT_SID,
      authToken: overrides.authToken ?? STAND_IN_AUTH_TOKEN,
      from: overrides.from ?? "+15005550006",
      baseUrl: standIn.url,
      timeoutMs: 2_000,
    });

  it("sends the message Twilio expects: form fields, basic auth, to the account's Messages resource", async () => {
    await transport().sendSms({ to: "+447700900101", body: "Your Acme sign-in code is 123456." });
    const [request] = standIn.received.filter((r) => r.to === "+447700900101");
    expect(request?.path).toBe(`/2010-04-01/Accounts/${STAND_IN_ACCOUNT_SID}/Messages.json`);
    expect(request?.body).toEqual({
      To: "+447700900101",
      From: "+15005550006",
      Body: "Your Acme sign-in code is 123456.",
    });
    expect(request?.headers["content-type"]).toMatch(/application\/x-www-form-urlencoded/);
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${STAND_IN_ACCOUNT_SID}:${STAND_IN_AUTH_TOKEN}`).toString("base64")}`,
    );
  });

  it("sends through a Messaging Service when TWILIO_FROM is one", async () => {
    await transport({ from: "MG00000000000000000000000000000001" }).sendSms({ to: "+447700900102", body: "hello" });
    const [request] = standIn.received.filter((r) => r.to === "+447700900102");
    expect(request?.body).toMatchObject({ MessagingServiceSid: "MG00000000000000000000000000000001" });
    expect(request?.body).not.toHaveProperty("From");
  });

  it("reports a refused number (4xx) as rejected", async () => {
    standIn.setBehaviour("+447700900103", "reject");
    const error = await failureOf(transport().sendSms({ to: "+447700900103", body: "x" }));
    expect(error.failure).toBe("rejected");
    expect(error.detail).toMatch(/21211/);
    // Twilio quotes the number; the log and the audit log must not.
    expect(error.detail).toBe("Twilio 400 21211: The 'To' number [phone number] is not a valid phone number.");
    expect(error.message).not.toContain("7700900103");
  });

  it("reports a provider failure (5xx) and bad credentials as unavailable, not as the number's fault", async () => {
    standIn.setBehaviour("+447700900104", "fail");
    expect((await failureOf(transport().sendSms({ to: "+447700900104", body: "x" }))).failure).toBe("unavailable");
    expect(
      (await failureOf(transport({ authToken: "wrong" }).sendSms({ to: "+447700900105", body: "x" }))).failure,
    ).toBe("unavailable");
  });

  it("gives up on a provider that does not answer, in about the configured time", async () => {
    standIn.setBehaviour("+447700900106", "hang");
    const started = Date.now();
    expect((await failureOf(transport().sendSms({ to: "+447700900106", body: "x" }))).failure).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("reports an unreachable provider as unavailable", async () => {
    const closed = await startTwilioStandIn();
    await closed.close();
    const unreachable = twilioTransport({
      accountSid: STAND_IN_ACCOUNT_SID,
      authToken: STAND_IN_AUTH_TOKEN,
      from: "+15005550006",
      baseUrl: closed.url,
    });
    expect((await failureOf(unreachable.sendSms({ to: "+447700900107", body: "x" }))).failure).toBe("unavailable");
  });
});

describe("Resend transport", () => {
  let standIn: StandIn;
  beforeAll(async () => {
    standIn = await startResendStandIn();
  });
  afterAll(() => standIn.close());

  const transport = (apiKey = STAND_IN_RESEND_KEY) =>
    resendTransport({ apiKey, from: "Acme <no-reply@acme.test>", baseUrl: standIn.url, timeoutMs: 2_000 });
  const email = (to: string) => ({
    to,
    subject: "Acme: your sign-in code",
    text: "Your code is 123456.",
    html: "<p>Your code is 123456.</p>",
  });

  it("sends a JSON email with a text and an HTML part and the API key as a bearer token", async () => {
    await transport().sendEmail(email("ok@example.com"));
    const [request] = standIn.received.filter((r) => r.to === "ok@example.com");
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe(`Bearer ${STAND_IN_RESEND_KEY}`);
    expect(request?.body).toMatchObject({
      from: "Acme <no-reply@acme.test>",
      to: "ok@example.com",
      subject: "Acme: your sign-in code",
      text: "Your code is 123456.",
      html: "<p>Your code is 123456.</p>",
    });
  });

  it("reports a refused address (422) as rejected", async () => {
    standIn.setBehaviour("bad@example.com", "reject");
    const error = await failureOf(transport().sendEmail(email("bad@example.com")));
    expect(error.failure).toBe("rejected");
    // The stand-in quotes the address, as a provider may; the log and the audit log must not.
    expect(error.detail).toBe("Resend 422 validation_error: Invalid `to` field: [email address].");
    expect(error.message).not.toContain("bad@example.com");
  });

  it("reports a provider failure (5xx) and a wrong key as unavailable", async () => {
    standIn.setBehaviour("down@example.com", "fail");
    expect((await failureOf(transport().sendEmail(email("down@example.com")))).failure).toBe("unavailable");
    expect((await failureOf(transport("re_wrong").sendEmail(email("ok2@example.com")))).failure).toBe("unavailable");
  });

  it("gives up on a provider that does not answer", async () => {
    standIn.setBehaviour("slow@example.com", "hang");
    const started = Date.now();
    expect((await failureOf(transport().sendEmail(email("slow@example.com")))).failure).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
