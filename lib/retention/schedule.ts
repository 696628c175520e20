import type { Db } from "@/db";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { formatPurgeCounts, purgeExpiredData } from "@/lib/retention/purge";

/** Hourly: nothing kept has a lifetime where an hour more matters, and each run is a few indexed deletes. */
export const PURGE_INTERVAL_MS = 60 * 60 * 1000;

const globalForSchedule = globalThis as unknown as { twofoldPurgeTimer?: NodeJS.Timeout };

async function purgeAndLog(db: Db): Promise<void> {
  try {
    const counts = await purgeExpiredData(db, new Date());
    const summary = formatPurgeCounts(counts);
    if (summary !== "nothing") console.log(`Twofold: removed expired data: ${summary}`);
  } catch (error) {
    // A failed purge is retried at the next interval; it must never stop the server.
    console.error("Twofold: could not remove expired data:", describeErrorForLog(error));
  }
}

/**
 * Purges now, then every PURGE_INTERVAL_MS. The timer is unref'd, so it never
 * keeps the process alive; one per process (kept on globalThis across
 * development reloads). Several processes purging at once is harmless.
 */
export async function startRetentionSchedule(db: Db): Promise<void> {
  if (globalForSchedule.twofoldPurgeTimer) return;
  await purgeAndLog(db);
  globalForSchedule.twofoldPurgeTimer = setInterval(async () => await purgeAndLog(db), PURGE_INTERVAL_MS);
  globalForSchedule.twofoldPurgeTimer.unref();
}
