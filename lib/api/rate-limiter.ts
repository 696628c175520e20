/**
 * A fixed-window request counter per key (an API token's id), kept in this
 * process's memory. It is PER PROCESS: several server processes or replicas
 * each allow the full limit, and a restart forgets the counts. That is enough
 * to stop one runaway client from hogging a single-process Twofold; a fleet
 * would need a shared store.
 *
 * Memory is bounded: entries are kept in the order their windows started
 * (an entry is re-inserted when its window restarts), so the expired ones are
 * at the front and are swept from there; past `maxKeys` the oldest go too.
 */
export type RateLimitDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again (at least 1). */
  resetSeconds: number;
};

type Window = { startedAt: number; count: number };

export class FixedWindowRateLimiter {
  private readonly windows = new Map<string | number, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one request for `key` at `now` and says whether it may go ahead. */
  hit(key: string | number, now = Date.now()): RateLimitDecision {
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.delete(key);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
      this.evict(now);
    }
    const allowed = window.count < this.limit;
    if (allowed) window.count += 1;
    return {
      allowed,
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.count),
      resetSeconds: Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000)),
    };
  }

  /** How many keys are held: for tests of the memory bound. */
  get size(): number {
    return this.windows.size;
  }

  private evict(now: number): void {
    for (const [key, window] of this.windows) {
      const expired = now - window.startedAt >= this.windowMs;
      if (!expired && this.windows.size <= this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
