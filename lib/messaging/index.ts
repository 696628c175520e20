import { getDb } from "@/db";
import { outboxTransport } from "@/lib/messaging/outbox";
import type { EmailMessage, EmailTransport, SmsMessage, SmsTransport } from "@/lib/messaging/types";

export type { EmailMessage, SmsMessage } from "@/lib/messaging/types";

// The outbox is the embedded default; provider transports (Resend, Twilio)
// are chosen here from their credentials once they exist.
const transports: { email: EmailTransport; sms: SmsTransport } = {
  email: outboxTransport(getDb),
  sms: outboxTransport(getDb),
};

/** Whether any channel is kept in the outbox: /dev/outbox exists only then. */
export function isOutboxActive(): boolean {
  return transports.email.name === "outbox" || transports.sms.name === "outbox";
}

export function sendEmail(message: EmailMessage): Promise<void> {
  return transports.email.sendEmail(message);
}

export function sendSms(message: SmsMessage): Promise<void> {
  return transports.sms.sendSms(message);
}
