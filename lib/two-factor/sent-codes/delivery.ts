import type { Db } from "@/db";
import type { CodeDelivery, OneTimeCodePurpose } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { getEnv } from "@/lib/env";
import { DeliveryError, sendEmail, sendSms, type EmailMessage, type SmsMessage } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";
import type { RequestContext } from "@/lib/request-context";
import {
  issueCode,
  recordEmailFallback,
  voidCode,
  voidEarlierCodes,
  type Channel,
  type SendPlan,
} from "@/lib/two-factor/sent-codes/codes";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import type { KeyRing } from "@/lib/keys/key-ring";
import { describeErrorForLog } from "@/lib/messaging/redact";

/*
 * Sends one-time codes: by SMS to a verified mobile, by email otherwise, and
 * by email when the SMS cannot go. Every send and every failure is audited.
 */

export type CodeRecipient = {
  id: number;
  organisationId: number;
  email: string;
  name: string;
  mobileNumber: string | null;
  mobileVerifiedAt: Date | null;
  codeDelivery: CodeDelivery;
};

/** Automatic and "SMS only" both need a verified number to use SMS; without one the code goes by email. */
export function planSecondFactorDelivery(user: CodeRecipient): SendPlan {
  const verifiedMobile = user.mobileNumber && user.mobileVerifiedAt ? user.mobileNumber : null;
  if (user.codeDelivery !== "email" && verifiedMobile) {
    return { channel: "sms", destination: verifiedMobile, emailFallback: user.email };
  }
  return { channel: "email", destination: user.email, emailFallback: null };
}

/** "+447700900123" → "•••• 0123": enough to recognise one's own number, not to learn someone else's. */
export function maskPhone(e164: string): string {
  return `•••• ${e164.slice(-4)}`;
}

/** "jane@example.com" → "j•••@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return `${email.slice(0, 1)}•••${email.slice(at)}`;
}

export function maskDestination(channel: Channel, destination: string): string {
  return channel === "sms" ? maskPhone(destination) : maskEmail(destination);
}

export type SendOutcome =
  | { ok: true; channel: Channel; maskedDestination: string; fallback: "sms_failed" | "sms_limit" | null }
  | { ok: false; reason: "cooldown" | "too_many"; retryAt: Date }
  | { ok: false; reason: "sms_limit" | "delivery_failed" };

type SendInput = {
  user: CodeRecipient;
  organisation: { name: string };
  sessionTokenHash: string;
  purpose: OneTimeCodePurpose;
  plan: SendPlan;
  context: RequestContext;
  now?: Date;
};

/** The code leads the SMS, so phones can offer to fill it in. */
function messagesFor(purpose: OneTimeCodePurpose, organisationName: string, name: string, code: string) {
  const sms =
    purpose === "verify_mobile"
      ? `${code} is your ${organisationName} code to confirm this mobile number. It expires in 2 minutes.`
      : `${code} is your ${organisationName} verification code. It expires in 2 minutes. Never share it.`;
  const email = {
    subject: `${organisationName}: your verification code`,
    ...notificationEmail({
      organisationName,
      heading: "Your verification code",
      code,
      paragraphs: [
        `Hello ${name}, here is your code to confirm it is you:`,
        "It expires in 2 minutes and works once. Nobody from your organisation will ever ask you for it.",
        "If you did not just ask for it, someone else knows your password: change it.",
      ],
    }),
  };
  return { sms, email };
}

/** What sending needs from the outside world; tests hand in transports pointed at stand-ins. */
export type DeliveryServices = {
  sendEmail: (message: EmailMessage) => Promise<void>;
  sendSms: (message: SmsMessage) => Promise<void>;
  keys: KeyRing;
  smsHourlyLimit: number;
};

function configuredServices(): DeliveryServices {
  const env = getEnv();
  return { sendEmail, sendSms, keys: appKeyRing(), smsHourlyLimit: env.SMS_HOURLY_LIMIT };
}

export async function sendOneTimeCode(db: Db, input: SendInput, services = configuredServices()): Promise<SendOutcome> {
  const { user, context } = input;
  const now = input.now ?? new Date();
  const audit = async (type: "code.sent" | "code.refused" | "code.undelivered", details: Record<string, string>) =>
    await recordAuditEvent(db, {
      type,
      organisationId: user.organisationId,
      actorUserId: user.id,
      targetUserId: user.id,
      context,
      details: { purpose: input.purpose, ...details },
      at: now,
    });

  const issued = await issueCode(db, {
    userId: user.id,
    organisationId: user.organisationId,
    sessionTokenHash: input.sessionTokenHash,
    purpose: input.purpose,
    plan: input.plan,
    smsHourlyLimit: services.smsHourlyLimit,
    keys: services.keys,
    now,
  });
  if (!issued.ok) {
    await audit("code.refused", { reason: issued.reason });
    return issued;
  }

  const messages = messagesFor(input.purpose, input.organisation.name, user.name, issued.code);
  let fallback: "sms_failed" | "sms_limit" | null = issued.fallbackReason;
  let channel = issued.channel;
  if (channel === "sms") {
    try {
      await services.sendSms({ to: issued.destination, body: messages.sms });
    } catch (error) {
      const failure = describeFailure(error);
      await audit("code.undelivered", { channel: "sms", ...failure });
      if (!input.plan.emailFallback) {
        await voidCode(db, issued.id, now);
        return { ok: false, reason: "delivery_failed" };
      }
      await recordEmailFallback(db, issued.id, input.plan.emailFallback);
      [channel, fallback] = ["email", "sms_failed"];
    }
  }
  const destination =
    channel === "sms" ? issued.destination : fallback ? input.plan.emailFallback! : issued.destination;
  if (channel === "email") {
    try {
      await services.sendEmail({ to: destination, ...messages.email });
    } catch (error) {
      await audit("code.undelivered", { channel: "email", ...describeFailure(error) });
      await voidCode(db, issued.id, now);
      return { ok: false, reason: "delivery_failed" };
    }
  }
  await voidEarlierCodes(
    db,
    { userId: user.id, sessionTokenHash: input.sessionTokenHash, purpose: input.purpose },
    issued.id,
    now,
  );
  await audit("code.sent", { channel, ...(fallback ? { fallback } : {}) });
  return { ok: true, channel, maskedDestination: maskDestination(channel, destination), fallback };
}

function describeFailure(error: unknown): { failure: string; detail: string } {
  if (error instanceof DeliveryError) {
    console.error(`Twofold: a code could not be delivered (${error.failure}): ${error.detail}`);
    return { failure: error.failure, detail: error.detail.slice(0, 200) };
  }
  // Not a provider's answer (the outbox's database write, say): still fall back, and keep the details in the log.
  console.error("Twofold: a code could not be delivered:", describeErrorForLog(error));
  return { failure: "unavailable", detail: error instanceof Error ? error.name : "unknown" };
}
