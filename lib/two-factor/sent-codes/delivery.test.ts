import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { auditEvents, oneTimeCodes, outbox } from "@/db/schema";
import { outboxTransport } from "@/lib/messaging/outbox";
import { twilioTransport } from "@/lib/messaging/twilio";
import {
  maskEmail,
  maskPhone,
  planSecondFactorDelivery,
  sendOneTimeCode,
  type CodeRecipient,
} from "@/lib/two-factor/sent-codes/delivery";
import { checkCode } from "@/lib/two-factor/sent-codes/codes";
import type { StandIn } from "@/test/stand-ins/provider-stand-in";
import { startTwilioStandIn, STAND_IN_ACCOUNT_SID, STAND_IN_AUTH_TOKEN } from "@/test/stand-ins/twilio";
import { insertUser, testDatabase } from "@/test/db";
import { createKeyRing } from "@/lib/keys/key-ring";

const keys = createKeyRing([crypto.randomBytes(32)]);
const context = { ip: "192.0.2.1", userAgent: "test" };

describe("where a code goes", () => {
  const base: CodeRecipient = {
    id: 1,
    organisationId: 1,
    email: "ada@example.com",
    name: "Ada",
    mobileNumber: "+447700900123",
    mobileVerifiedAt: new Date(),
    codeDelivery: "auto",
  };

  it("goes by SMS to a verified mobile, falling back to email; by email otherwise", () => {
    expect(planSecondFactorDelivery(base)).toEqual({
      channel: "sms",
      destination: "+447700900123",
      emailFallback: "ada@example.com",
    });
    expect(planSecondFactorDelivery({ ...base, mobileVerifiedAt: null }).channel).toBe("email");
    expect(planSecondFactorDelivery({ ...base, mobileNumber: null }).channel).toBe("email");
    expect(planSecondFactorDelivery({ ...base, codeDelivery: "email" })).toEqual({
      channel: "email",
      destination: "ada@example.com",
      emailFallback: null,
    });
    expect(planSecondFactorDelivery({ ...base, codeDelivery: "sms" }).channel).toBe("sms");
    expect(planSecondFactorDelivery({ ...base, codeDelivery: "sms", mobileVerifiedAt: null }).channel).toBe("email");
  });

  it("masks destinations", () => {
    expect(maskPhone("+447700904821")).toBe("•••• 4821");
    expect(maskEmail("jane@example.com")).toBe("j•••@example.com");
  });
});

describe("sending a code through the real Twilio SDK, with the email fallback", () => {
  let standIn: StandIn;
  let db: Db;
  let user: CodeRecipient;
  beforeAll(async () => {
    standIn = await startTwilioStandIn();
  });
  afterAll(() => standIn.close());
  beforeEach(async () => {
    db = testDatabase();
    const mobileNumber = `+4477009${String(crypto.randomInt(10_000, 99_999))}`;
    const inserted = await insertUser(db, {
      email: "ada@example.com",
      name: "Ada",
      mobileNumber,
      mobileVerifiedAt: new Date(),
    });
    user = { ...inserted, name: "Ada", mobileNumber, mobileVerifiedAt: new Date(), codeDelivery: "auto" };
  });

  const services = () => {
    const twilio = twilioTransport({
      accountSid: STAND_IN_ACCOUNT_SID,
      authToken: STAND_IN_AUTH_TOKEN,
      from: "+15005550006",
      baseUrl: standIn.url,
      timeoutMs: 2_000, // short enough for the "hang" case, long enough for a busy machine
    });
    const box = outboxTransport(() => db);
    return { sendSms: twilio.sendSms, sendEmail: box.sendEmail, keys, smsHourlyLimit: 100 };
  };
  const send = () =>
    sendOneTimeCode(
      db,
      {
        user,
        organisation: { name: "Acme" },
        sessionTokenHash: "s1",
        purpose: "second_factor",
        plan: planSecondFactorDelivery(user),
        context,
      },
      services(),
    );
  const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? "";
  const auditTypes = async () =>
    (await db.select().from(auditEvents)).map((e) => [e.type, e.details?.channel ?? null, e.details?.failure ?? null]);

  it("texts the code to a verified mobile", async () => {
    expect(await send()).toEqual({
      ok: true,
      channel: "sms",
      maskedDestination: maskPhone(user.mobileNumber!),
      fallback: null,
    });
    const [sms] = standIn.received.filter((r) => r.to === user.mobileNumber);
    const code = codeIn(String(sms?.body.Body));
    expect(sms?.body.Body).toMatch(/^\d{6} is your Acme verification code\. It expires in 2 minutes\./);
    expect(
      (await checkCode(db, { userId: user.id, sessionTokenHash: "s1", purpose: "second_factor", code, keys })).ok,
    ).toBe(true);
    expect(await db.select().from(outbox)).toHaveLength(0);
    expect(await auditTypes()).toEqual([["code.sent", "sms", null]]);
  });

  for (const [behaviour, failure] of [
    ["reject", "rejected"],
    ["fail", "unavailable"],
    ["hang", "timeout"],
  ] as const) {
    it(`emails the code instead when Twilio answers "${behaviour}"`, async () => {
      standIn.setBehaviour(user.mobileNumber!, behaviour);
      expect(await send()).toEqual({
        ok: true,
        channel: "email",
        maskedDestination: "a•••@example.com",
        fallback: "sms_failed",
      });
      const [email] = await db.select().from(outbox);
      expect(email).toMatchObject({ channel: "email", to: "ada@example.com", subject: "Acme: your verification code" });
      expect(email?.html).toContain(codeIn(email!.body));
      expect(
        (
          await checkCode(db, {
            userId: user.id,
            sessionTokenHash: "s1",
            purpose: "second_factor",
            code: codeIn(email!.body),
            keys,
          })
        ).ok,
      ).toBe(true);
      expect(await auditTypes()).toEqual([
        ["code.undelivered", "sms", failure],
        ["code.sent", "email", null],
      ]);
      expect((await db.select().from(oneTimeCodes))[0]).toMatchObject({
        channel: "email",
        fallbackReason: "sms_failed",
      });
    });
  }

  it("refuses to confirm a new number when the SMS cannot go, and voids that code", async () => {
    standIn.setBehaviour(user.mobileNumber!, "reject");
    const outcome = await sendOneTimeCode(
      db,
      {
        user,
        organisation: { name: "Acme" },
        sessionTokenHash: "s1",
        purpose: "verify_mobile",
        plan: { channel: "sms", destination: user.mobileNumber!, emailFallback: null },
        context,
      },
      services(),
    );
    expect(outcome).toEqual({ ok: false, reason: "delivery_failed" });
    expect((await db.select().from(oneTimeCodes))[0]?.voidedAt).toBeInstanceOf(Date);
    expect(await db.select().from(outbox)).toHaveLength(0);
  });
});
