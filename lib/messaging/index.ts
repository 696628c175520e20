import { getDb } from "@/db";
import { getEnv } from "@/lib/env";
import { outboxTransport } from "@/lib/messaging/outbox";
import { resendTransport } from "@/lib/messaging/resend";
import { twilioTransport } from "@/lib/messaging/twilio";
import type { EmailMessage, EmailTransport, SmsMessage, SmsTransport } from "@/lib/messaging/types";

export type { EmailMessage, SmsMessage } from "@/lib/messaging/types";
export { DeliveryError } from "@/lib/messaging/types";

type Transports = { email: EmailTransport; sms: SmsTransport };
let transports: Transports | undefined;

/**
 * A provider's transport when its credentials are set, the outbox otherwise.
 * Chosen on first use, not at import: `next build` imports this without the
 * runtime environment.
 */
function getTransports(): Transports {
  if (transports) return transports;
  const env = getEnv();
  const outbox = outboxTransport(getDb);
  transports = {
    email:
      env.RESEND_API_KEY && env.EMAIL_FROM
        ? resendTransport({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM, baseUrl: env.RESEND_BASE_URL })
        : outbox,
    sms:
      env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM
        ? twilioTransport({
            accountSid: env.TWILIO_ACCOUNT_SID,
            authToken: env.TWILIO_AUTH_TOKEN,
            from: env.TWILIO_FROM,
            baseUrl: env.TWILIO_API_BASE_URL,
          })
        : outbox,
  };
  return transports;
}

/** Whether any channel is kept in the outbox. */
export function isOutboxActive(): boolean {
  const { email, sms } = getTransports();
  return email.name === "outbox" || sms.name === "outbox";
}

/** Whether /dev/outbox shows the outbox: it holds sign-in codes, so in production only when OUTBOX_PUBLIC is set. */
export function isOutboxPublic(): boolean {
  return isOutboxActive() && getEnv().OUTBOX_PUBLIC;
}

/** Sends an email; throws DeliveryError when the provider refuses, fails or times out. */
export function sendEmail(message: EmailMessage): Promise<void> {
  return getTransports().email.sendEmail(message);
}

/** Sends a text message; throws DeliveryError when the provider refuses, fails or times out. */
export function sendSms(message: SmsMessage): Promise<void> {
  return getTransports().sms.sendSms(message);
}
