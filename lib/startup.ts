import { getDb } from "@/db";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";
import { appUrl } from "@/lib/app-url";
import { ConfigurationError, getEnv } from "@/lib/env";
import { checkOutboxInProduction } from "@/lib/messaging/outbox-choice";
import { startRetentionSchedule } from "@/lib/retention/schedule";

/** Runs once when the server starts: configuration, schema, housekeeping, and the demo data in development. */
export async function startServer(): Promise<void> {
  try {
    const env = getEnv();
    // Before the database: a production server without providers stops here unless OUTBOX_IN_PRODUCTION says otherwise.
    const outboxWarning = checkOutboxInProduction(env);
    const db = getDb();
    if (env.NODE_ENV !== "production") {
      const logins = await seedDemoOrganisation(db);
      if (logins) console.log(formatDemoLogins(logins));
    } else {
      // Invitations and setup links need it: say so now, not halfway through inviting someone.
      appUrl("/");
    }
    if (outboxWarning) console.warn(outboxWarning);
    startRetentionSchedule(db);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`Twofold cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
