import { redactContactDetails } from "@/lib/messaging/redact";

export type EmailMessage = { to: string; subject: string; text: string; html: string };
export type SmsMessage = { to: string; body: string };

/** A way of delivering messages: the outbox, Resend (email) or Twilio (SMS). */
export type EmailTransport = { name: string; sendEmail(message: EmailMessage): Promise<void> };
export type SmsTransport = { name: string; sendSms(message: SmsMessage): Promise<void> };

/**
 * Why a provider did not take a message: it refused this message (a bad
 * number, say), it failed or could not be reached, or it did not answer in time.
 */
export type DeliveryFailure = "rejected" | "unavailable" | "timeout";

export class DeliveryError extends Error {
  override name = "DeliveryError";
  /**
   * The provider's own words, for the server log and the audit log; never
   * shown to users. Phone numbers and email addresses are taken out here, where
   * every provider's error passes, so no caller can log them by mistake.
   */
  readonly detail: string;

  constructor(
    readonly failure: DeliveryFailure,
    detail: string,
  ) {
    const redacted = redactContactDetails(detail);
    super(`${failure}: ${redacted}`);
    this.detail = redacted;
  }
}

/** A provider that does not answer within this is treated as down, so a sign-in is never held up for long. */
export const PROVIDER_TIMEOUT_MS = 5_000;
