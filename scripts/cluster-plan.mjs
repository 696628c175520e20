// The decisions `npm start` (scripts/start.mjs) takes before and while it runs its processes, apart so they can be tested.

/**
 * How many server processes to run and how many password hashes each may
 * compute at once. WEB_CONCURRENCY unset: one process per available core.
 * The hashing queue is per process (lib/auth/hashing-queue.ts), so its
 * default is the cores shared out between the processes, at least one each,
 * unless HASH_CONCURRENCY says otherwise.
 */
export function planProcesses(env, cores) {
  const raw = env.WEB_CONCURRENCY?.trim();
  let processes = Math.max(1, cores);
  if (raw) {
    const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < 1) {
      return {
        error: `WEB_CONCURRENCY must be a whole number of server processes, 1 or more (unset: one per core, ${cores} here).`,
      };
    }
    processes = parsed;
  }
  const hashConcurrency = env.HASH_CONCURRENCY?.trim() || String(Math.max(1, Math.floor(cores / processes)));
  return { processes, hashConcurrency };
}

/** Exit codes of a process that stopped because it was asked to: Next.js exits 143 on SIGTERM and 130 on SIGINT. */
export function stoppedOnRequest(code, signal) {
  return code === 0 || code === 130 || code === 143 || signal === "SIGTERM" || signal === "SIGINT";
}

/** "exit code 1" or "signal SIGKILL", for messages. */
export function describeExit(code, signal) {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/**
 * Replacing a process that crashed after it started is bounded: a server
 * that keeps crashing (out of memory, a lost database) must stop and be seen,
 * not restart forever.
 */
export class RestartBudget {
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.restarts = [];
  }

  /** Records a restart at `now` and says whether it is within the budget. */
  allow(now) {
    this.restarts = this.restarts.filter((at) => now - at < this.windowMs);
    if (this.restarts.length >= this.limit) return false;
    this.restarts.push(now);
    return true;
  }

  get used() {
    return this.restarts.length;
  }
}
