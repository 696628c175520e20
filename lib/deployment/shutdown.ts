import { markDraining } from "@/lib/deployment/draining";
import { describeErrorForLog } from "@/lib/messaging/redact";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** The task may not hold up the stop: past this, Next.js's shutdown goes ahead anyway. */
const TASK_TIMEOUT_MS = 5_000;

/**
 * On SIGTERM or SIGINT: mark the process draining (/readyz answers 503), run
 * `task` (remove this instance's row), then hand the signal to the handlers
 * that were there before, which under `next start` is Next.js's own: it stops
 * accepting connections, finishes the requests in flight and exits
 * (next/dist/server/lib/start-server.js). Wrapping them, rather than adding a
 * listener beside them, is what makes the task finish before Next.js exits.
 * Call it after Next.js installed its handlers: from instrumentation, which
 * Next.js runs after it starts listening.
 */
export function beforeShutdown(task: () => Promise<void>): void {
  let started = false;
  for (const signal of SIGNALS) {
    const previous = process.listeners(signal);
    for (const listener of previous) process.off(signal, listener);
    const onSignal = () => {
      // The shell sends Ctrl+C to every process of the group, and `npm start`'s primary forwards it too.
      if (started) return;
      started = true;
      markDraining();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, TASK_TIMEOUT_MS).unref());
      void Promise.race([task(), timeout])
        .catch((error: unknown) => console.error("Twofold: while stopping:", describeErrorForLog(error)))
        .finally(() => {
          if (previous.length > 0) for (const listener of previous) listener(signal);
          else {
            // Nobody else handles it (NEXT_MANUAL_SIG_HANDLE): let the signal's default action stop the process.
            process.off(signal, onSignal);
            process.kill(process.pid, signal);
          }
        });
    };
    process.on(signal, onSignal);
  }
}
