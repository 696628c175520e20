import "server-only";
import { recordAdoptionSnapshots } from "@/lib/admin/adoption-snapshots";
import type { Job } from "@/lib/jobs/runner";
import { sendGraceReminders } from "@/lib/two-factor/reminders";

const HOUR = 60 * 60 * 1000;

/**
 * Twofold's periodic jobs. Both run hourly but act at most once a UTC day
 * (a snapshot per organisation and day, a reminder per person and day are
 * unique rows), so a missed hour or a restart loses nothing. The leases
 * outlast a slow run by far: a run is a few queries per organisation and
 * one email per person reminded.
 */
export const APP_JOBS: readonly Job[] = [
  {
    name: "adoption_snapshot",
    intervalMs: HOUR,
    leaseMs: 30 * 60 * 1000,
    run: async (db, now) => {
      await recordAdoptionSnapshots(db, now);
    },
  },
  {
    name: "two_factor_reminders",
    intervalMs: HOUR,
    leaseMs: 30 * 60 * 1000,
    run: async (db, now) => {
      const sent = await sendGraceReminders(db, now);
      if (sent > 0) console.log(`Twofold: sent ${sent} two-factor setup reminder(s).`);
    },
  },
];
