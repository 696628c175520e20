import os from "node:os";
import { HashingBusy } from "@/lib/auth/hashing-busy";

export { busyMessage, HashingBusy } from "@/lib/auth/hashing-busy";

/**
 * A global limit on concurrent password hashing. Each argon2id run takes
 * 19 MiB and tens of milliseconds of a CPU: a flood of sign-ins (even with
 * wrong passwords or unknown emails) would otherwise queue without bound,
 * exhaust memory and slow every other request (OWASP ASVS 5.0 V2.4.1: limit
 * resource-hungry operations; V6.3: the unknown-email dummy verify is counted
 * too). Work past the limit waits in a bounded queue; past that it is refused
 * at once with a retry hint, and the server answers 503 + Retry-After.
 *
 * HASH_CONCURRENCY (default: the number of CPUs) runs at a time, and
 * HASH_QUEUE_LIMIT (default 32) more may wait.
 */

export type HashingQueueOptions = { concurrency: number; queueLimit: number };

export class HashingQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** A running average of how long one job takes, for the retry hint. */
  private averageMs = 100;

  constructor(readonly options: HashingQueueOptions) {}

  get state() {
    return { running: this.running, waiting: this.waiting.length, full: this.isFull() };
  }

  /** True when a new job would be refused: every slot busy and the waiting line at its limit. */
  isFull(): boolean {
    return this.running >= this.options.concurrency && this.waiting.length >= this.options.queueLimit;
  }

  /** Seconds until a slot is likely free: the queue ahead, drained `concurrency` at a time. */
  retryAfterSeconds(): number {
    const rounds = (this.waiting.length + this.running) / Math.max(1, this.options.concurrency);
    return Math.max(1, Math.ceil((rounds * this.averageMs) / 1000));
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (this.waiting.length >= this.options.queueLimit) throw new HashingBusy(this.retryAfterSeconds());
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = performance.now();
    try {
      return await job();
    } finally {
      this.averageMs = this.averageMs * 0.8 + (performance.now() - started) * 0.2;
      // The slot passes straight to the next waiter, so `running` stays counted for it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

function positiveInteger(value: string | undefined, fallback: number, min: number): number {
  const parsed = value === undefined || value.trim() === "" ? NaN : Number(value);
  return Number.isInteger(parsed) && parsed >= min ? parsed : fallback;
}

export const DEFAULT_HASH_QUEUE_LIMIT = 32;

export function hashingQueueOptionsFromEnv(env: Record<string, string | undefined> = process.env): HashingQueueOptions {
  return {
    concurrency: positiveInteger(env.HASH_CONCURRENCY, os.availableParallelism(), 1),
    queueLimit: positiveInteger(env.HASH_QUEUE_LIMIT, DEFAULT_HASH_QUEUE_LIMIT, 0),
  };
}

/*
 * One queue per process, kept on globalThis: proxy.ts runs in this same
 * Node.js process (Next.js 16 runs the proxy on the Node.js runtime only) but
 * is bundled apart from the server actions, so a module-level variable would
 * give it its own empty copy. Through globalThis it reads the real state.
 */
const globalForQueue = globalThis as typeof globalThis & { twofoldHashingQueue?: HashingQueue };

export function hashingQueue(): HashingQueue {
  globalForQueue.twofoldHashingQueue ??= new HashingQueue(hashingQueueOptionsFromEnv());
  return globalForQueue.twofoldHashingQueue;
}

/** For proxy.ts: whether a request that would hash must be turned away now, and for how long; never creates the queue. */
export function hashingQueueRefusal(): { retryAfterSeconds: number } | null {
  const queue = globalForQueue.twofoldHashingQueue;
  return queue?.isFull() ? { retryAfterSeconds: queue.retryAfterSeconds() } : null;
}
