import type { Db } from "@/db";
import { beforeShutdown } from "@/lib/deployment/shutdown";
import { getEnv } from "@/lib/env";
import { describeErrorForLog } from "@/lib/messaging/redact";
import { deliverDueWebhooks } from "@/lib/webhooks/queue";

type Worker = { timer: NodeJS.Timeout; pass: Promise<void> | null; stopped: boolean };
const globalForWorker = globalThis as unknown as { twofoldWebhookWorker?: Worker };

/**
 * Each process looks for due webhook deliveries every
 * WEBHOOK_WORKER_INTERVAL_MS and sends until none is left (leases keep
 * processes from sending one twice). The timer is unref'd, one
 * per process, passes never overlap, and on SIGTERM/SIGINT it stops and the
 * pass under way finishes (its leases expire if it cannot).
 */
export function startWebhookWorker(db: Db): void {
  if (globalForWorker.twofoldWebhookWorker) return;
  const env = getEnv();
  const worker: Worker = { timer: undefined as unknown as NodeJS.Timeout, pass: null, stopped: false };
  const options = {
    allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    shouldStop: () => worker.stopped,
  };
  const tick = () => {
    if (worker.pass || worker.stopped) return;
    worker.pass = deliverDueWebhooks(db, options)
      .then(() => undefined)
      .catch((error: unknown) =>
        // A failed pass is retried at the next tick; it must never stop the server.
        console.error("Twofold: webhook deliveries:", describeErrorForLog(error)),
      )
      .finally(() => {
        worker.pass = null;
      });
  };
  worker.timer = setInterval(tick, env.WEBHOOK_WORKER_INTERVAL_MS);
  worker.timer.unref();
  globalForWorker.twofoldWebhookWorker = worker;
  // No drain of its own: the instance's shutdown (lib/deployment/instance.ts) drains once.
  beforeShutdown(async () => {
    worker.stopped = true;
    clearInterval(worker.timer);
    await worker.pass;
  }, 0);
}
