import { getDb } from "@/db";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";
import { deleteExpiredSessions } from "@/lib/auth/sessions";
import { ConfigurationError, getEnv } from "@/lib/env";
import { isOutboxActive } from "@/lib/messaging";

/** Runs once when the server starts: configuration, schema, housekeeping, and the demo data in development. */
export async function startServer(): Promise<void> {
  try {
    const env = getEnv();
    const db = getDb();
    deleteExpiredSessions(db);
    if (env.NODE_ENV !== "production") {
      const logins = await seedDemoOrganisation(db);
      if (logins) console.log(formatDemoLogins(logins));
    } else if (isOutboxActive()) {
      console.warn(
        "Twofold: no email/SMS provider is configured, so messages are kept in the outbox and listed at /dev/outbox. " +
          "Configure Resend and Twilio before real users sign in.",
      );
    }
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`Twofold cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
