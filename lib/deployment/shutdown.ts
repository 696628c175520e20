import { markDraining } from "@/lib/deployment/draining";
import { describeErrorForLog } from "@/lib/messaging/redact";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;
/** The task may not hold up the stop: past this, Next.js's shutdown goes ahead anyway. */
const TASK_TIMEOUT_MS = 5_000;
/** Default and ceiling of SHUTDOWN_DRAIN_SECONDS: `npm start` kills workers still running 25 s after the signal. */
const DEFAULT_DRAIN_SECONDS = 5;
const MAX_DRAIN_SECONDS = 15;

/**
 * How long a stopping process keeps serving while /readyz answers 503, so a
 * load balancer polling it every few seconds takes the instance out of its
 * pool before the listening socket closes (SHUTDOWN_DRAIN_SECONDS, 0 to 15).
 */
export function drainMilliseconds(value: string | undefined = process.env.SHUTDOWN_DRAIN_SECONDS): number {
  const seconds = value === undefined || value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return DEFAULT_DRAIN_SECONDS * 1000;
  return Math.min(seconds, MAX_DRAIN_SECONDS) * 1000;
}

/**
 * On SIGTERM or SIGINT: mark the process draining (/readyz answers 503), run
 * `task` (remove this instance's row) while the drain period passes with the
 * server still answering, then hand the signal to the handlers
 * that were there before, which under `next start` is Next.js's own: it stops
 * accepting connections, finishes the requests in flight and exits
 * (next/dist/server/lib/start-server.js). Wrapping them, rather than adding a
 * listener beside them, is what makes the task finish before Next.js exits.
 * Call it after Next.js installed its handlers: from instrumentation, which
 * Next.js runs after it starts listening.
 */
export function beforeShutdown(task: () => Promise<void>, drainMs = drainMilliseconds()): void {
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
      const taskDone = Promise.race([task(), timeout]).catch((error: unknown) =>
        console.error("Twofold: while stopping:", describeErrorForLog(error)),
      );
      // Ctrl+C is someone at a terminal, not a load balancer: no drain for SIGINT.
      const drainFor = signal === "SIGTERM" ? drainMs : 0;
      const drained = new Promise<void>((resolve) => setTimeout(resolve, drainFor).unref());
      void Promise.all([taskDone, drained]).finally(() => {
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
