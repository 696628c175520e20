import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "@/db";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { runDueJobs, type Job } from "@/lib/jobs/runner";

/** Every instance ticks this often; a job runs only where its lease is taken (lib/jobs/runner.ts). */
export const JOB_TICK_MS = 60 * 1000;

const globalForJobs = globalThis as unknown as { twofoldJobTimer?: NodeJS.Timeout };

/**
 * Ticks now and then every JOB_TICK_MS. Unref'd, so it never keeps the
 * process alive; one per process (kept on globalThis across development
 * reloads). A tick still running when the next is due is not doubled.
 */
export function startJobRunner(db: Db, jobs: readonly Job[]): void {
  if (globalForJobs.twofoldJobTimer) return;
  const instanceId = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await runDueJobs(db, jobs, { instanceId });
    } catch (error) {
      // The database may be away for a moment: the next tick tries again.
      console.error("Twofold: could not run the periodic jobs:", describeErrorForLog(error));
    } finally {
      running = false;
    }
  };
  void tick();
  globalForJobs.twofoldJobTimer = setInterval(tick, JOB_TICK_MS);
  globalForJobs.twofoldJobTimer.unref();
}
