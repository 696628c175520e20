import { ConfigurationError, type Env } from "@/lib/env";

/*
 * Without a provider, a channel's messages (sign-in codes, password reset and
 * invitation links) are kept in the `outbox` table instead of being sent. In
 * development that is the point; in production it stores live authenticators
 * in the database and delivers nothing, so it must be chosen on purpose, and
 * the rows are purged after a day (lib/retention; OWASP ASVS 5.0 14.2.4: the
 * retention of sensitive data is a documented, deliberate control).
 */

export type Channel = "email" | "sms";

type ProviderSettings = Pick<
  Env,
  | "NODE_ENV"
  | "RESEND_API_KEY"
  | "EMAIL_FROM"
  | "TWILIO_ACCOUNT_SID"
  | "TWILIO_AUTH_TOKEN"
  | "TWILIO_FROM"
  | "OUTBOX_IN_PRODUCTION"
  | "OUTBOX_PUBLIC"
>;

const PROVIDER_VARIABLES: Record<Channel, string> = {
  email: "RESEND_API_KEY and EMAIL_FROM",
  sms: "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM",
};

const CHANNEL_NAMES: Record<Channel, string> = { email: "email", sms: "SMS" };

/** The channels whose messages go to the outbox: those without a provider's credentials. */
export function outboxChannels(
  env: Omit<ProviderSettings, "NODE_ENV" | "OUTBOX_IN_PRODUCTION" | "OUTBOX_PUBLIC">,
): Channel[] {
  const channels: Channel[] = [];
  if (!(env.RESEND_API_KEY && env.EMAIL_FROM)) channels.push("email");
  if (!(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM)) channels.push("sms");
  return channels;
}

function missingProviders(channels: Channel[]): string {
  return channels
    .map((channel) => `${CHANNEL_NAMES[channel]} has no provider (set ${PROVIDER_VARIABLES[channel]})`)
    .join("; ");
}

/**
 * Checked when the server starts. Throws ConfigurationError in production
 * when a channel has no provider and OUTBOX_IN_PRODUCTION is not set; returns
 * the warning to print when it is set; null when there is nothing to say.
 */
export function checkOutboxInProduction(env: ProviderSettings): string | null {
  const channels = outboxChannels(env);
  if (env.NODE_ENV !== "production" || channels.length === 0) return null;
  if (!env.OUTBOX_IN_PRODUCTION) {
    const problem = missingProviders(channels);
    throw new ConfigurationError(
      `${problem.charAt(0).toUpperCase()}${problem.slice(1)}. Configure the provider, or set OUTBOX_IN_PRODUCTION=1 to keep those messages in the ` +
        "outbox table instead: sign-in codes and links are then stored in the database and never delivered.",
    );
  }
  return (
    `Twofold: OUTBOX_IN_PRODUCTION is set and ${missingProviders(channels)}, so those messages are kept in the outbox table: ` +
    "sign-in codes and links are stored in the database and never delivered" +
    (env.OUTBOX_PUBLIC ? ", and listed to anyone at /dev/outbox because OUTBOX_PUBLIC is set. " : ". ") +
    "Configure the providers before real users sign in."
  );
}
