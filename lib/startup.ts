import { getDb } from "@/db";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";
import { deleteExpiredSessions } from "@/lib/auth/sessions";
import { appUrl } from "@/lib/app-url";
import { ConfigurationError, getEnv } from "@/lib/env";
import { isOutboxActive, isOutboxPublic } from "@/lib/messaging";

/** Runs once when the server starts: configuration, schema, housekeeping, and the demo data in development. */
export async function startServer(): Promise<void> {
  try {
    const env = getEnv();
    const db = getDb();
    deleteExpiredSessions(db);
    if (env.NODE_ENV !== "production") {
      const logins = await seedDemoOrganisation(db);
      if (logins) console.log(formatDemoLogins(logins));
    } else {
      // Invitations and setup links need it: say so now, not halfway through inviting someone.
      appUrl("/");
    }
    if (env.NODE_ENV === "production" && isOutboxActive()) {
      console.warn(
        "Twofold: no email and/or SMS provider is configured, so those messages (sign-in codes included) are kept in the " +
          (isOutboxPublic()
            ? "outbox and listed to anyone at /dev/outbox because OUTBOX_PUBLIC is set. "
            : "outbox table and never delivered. ") +
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
