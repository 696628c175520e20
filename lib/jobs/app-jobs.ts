import "server-only";
import { recordAdoptionSnapshots } from "@/lib/admin/adoption-snapshots";
import { refreshLargeOrganisationSummaries } from "@/lib/admin/adoption-summary";
import type { Job } from "@/lib/jobs/runner";
import { sendGraceReminders } from "@/lib/two-factor/reminders";

const HOUR = 60 * 60 * 1000;

/**
 * Twofold's periodic jobs. The snapshot and the reminders run hourly but act at most once a UTC day
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
    // The overview's counts of organisations too large to count at each view (lib/admin/adoption-summary.ts).
    // A little under the runner's minute tick, so a tick that fires a few ms early still finds it due.
    name: "adoption_summary",
    intervalMs: 55 * 1000,
    leaseMs: 10 * 60 * 1000,
    run: async (db, now) => {
      await refreshLargeOrganisationSummaries(db, now);
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
