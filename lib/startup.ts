import { getDb } from "@/db";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";
import { appUrl } from "@/lib/app-url";
import { startInstance } from "@/lib/deployment/instance";
import { announceReady } from "@/lib/deployment/ready-signal";
import { refuseOutdatedSchema } from "@/lib/deployment/schema-check";
import { ConfigurationError, getEnv } from "@/lib/env";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { upgradeV1Secrets } from "@/lib/keys/rekey";
import { checkOutboxInProduction } from "@/lib/messaging/outbox-choice";
import { APP_JOBS } from "@/lib/jobs/app-jobs";
import { startJobRunner } from "@/lib/jobs/schedule";
import { startRetentionSchedule } from "@/lib/retention/schedule";
import { startWebhookWorker } from "@/lib/webhooks/schedule";

/** Runs once when the server starts: configuration, schema, housekeeping, and the demo data in development. */
export async function startServer(): Promise<void> {
  try {
    const env = getEnv();
    // Before the database: a production server without providers stops here unless OUTBOX_IN_PRODUCTION says otherwise.
    const outboxWarning = checkOutboxInProduction(env);
    const db = getDb();
    if (env.NODE_ENV === "production") await refuseOutdatedSchema(db);
    // The server reads only row-bound v2 ciphertexts: values from before key rings are upgraded before any request (lib/keys/secrets.ts).
    const upgraded = (await upgradeV1Secrets(db, appKeyRing())).reduce((sum, column) => sum + column.rekeyed, 0);
    if (upgraded > 0)
      console.log(`Twofold: ${upgraded} secret(s) from before key rings re-encrypted as v2, bound to their rows.`);
    if (env.NODE_ENV !== "production") {
      const logins = await seedDemoOrganisation(db);
      if (logins) console.log(formatDemoLogins(logins));
    } else {
      // Invitations and setup links need it: say so now, not halfway through inviting someone.
      appUrl("/");
      // Secrets and build compared with the other instances on this database (lib/deployment).
      await startInstance(db, env);
    }
    if (outboxWarning) console.warn(outboxWarning);
    await startRetentionSchedule(db);
    // Adoption snapshots and 2FA reminders, each leased in the database so one instance runs it.
    startJobRunner(db, APP_JOBS);
    startWebhookWorker(db);
    announceReady();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`Twofold cannot start: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
