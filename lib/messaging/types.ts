export type EmailMessage = { to: string; subject: string; text: string; html: string };
export type SmsMessage = { to: string; body: string };

/** A way of delivering messages: the outbox now; Resend and Twilio plug in beside it. */
export type EmailTransport = { name: string; sendEmail(message: EmailMessage): Promise<void> };
export type SmsTransport = { name: string; sendSms(message: SmsMessage): Promise<void> };
