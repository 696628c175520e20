import { afterEach, describe, expect, it } from "vitest";
import {
  HashingBusy,
  HashingQueue,
  hashingQueueOptionsFromEnv,
  hashingQueueRefusal,
  hashingQueue,
} from "@/lib/auth/hashing-queue";

/** A job that finishes when the test says so. */
function held<T = string>() {
  let release!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  return { job: () => promise, release, fail };
}

describe("the password hashing queue", () => {
  it("runs up to its concurrency at once, queues up to its limit, and refuses the rest at once with a retry hint", async () => {
    const queue = new HashingQueue({ concurrency: 2, queueLimit: 1 });
    const jobs = [held(), held(), held()];
    const results = jobs.map(({ job }) => queue.run(job));
    expect(queue.state).toEqual({ running: 2, waiting: 1, full: true });
    const refused = queue.run(async () => "never");
    await expect(refused).rejects.toBeInstanceOf(HashingBusy);
    const busy = (await refused.catch((error: unknown) => error)) as HashingBusy;
    expect(busy.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    jobs.forEach(({ release }, index) => release(`done ${index}`));
    expect(await Promise.all(results)).toEqual(["done 0", "done 1", "done 2"]);
    expect(queue.state).toEqual({ running: 0, waiting: 0, full: false });
  });

  it("frees a slot when a job completes, and the next waiter takes it", async () => {
    const queue = new HashingQueue({ concurrency: 1, queueLimit: 1 });
    const first = held();
    const second = held();
    const firstResult = queue.run(first.job);
    const secondResult = queue.run(second.job);
    expect(queue.isFull()).toBe(true);
    first.release("one");
    await firstResult;
    expect(queue.state).toEqual({ running: 1, waiting: 0, full: false });
    // The freed place in the line takes a new job again.
    const third = queue.run(async () => "queued behind");
    expect(queue.state).toEqual({ running: 1, waiting: 1, full: true });
    second.release("two");
    expect(await secondResult).toBe("two");
    expect(await third).toBe("queued behind");
  });

  it("releases the slot when a job fails", async () => {
    const queue = new HashingQueue({ concurrency: 1, queueLimit: 0 });
    const failing = held();
    const result = queue.run(failing.job);
    await expect(queue.run(async () => "x")).rejects.toBeInstanceOf(HashingBusy);
    failing.fail(new Error("argon2 broke"));
    await expect(result).rejects.toThrow("argon2 broke");
    expect(queue.state).toEqual({ running: 0, waiting: 0, full: false });
    expect(await queue.run(async () => "works again")).toBe("works again");
  });

  it("reads its size from the environment, with documented defaults", () => {
    expect(hashingQueueOptionsFromEnv({ HASH_CONCURRENCY: "3", HASH_QUEUE_LIMIT: "0" })).toEqual({
      concurrency: 3,
      queueLimit: 0,
    });
    const defaults = hashingQueueOptionsFromEnv({});
    expect(defaults.queueLimit).toBe(32);
    expect(defaults.concurrency).toBeGreaterThanOrEqual(1);
    // Nonsense falls back to the default rather than to no limit.
    expect(hashingQueueOptionsFromEnv({ HASH_CONCURRENCY: "0", HASH_QUEUE_LIMIT: "-1" }).queueLimit).toBe(32);
  });

  describe("the process-wide queue", () => {
    afterEach(() => {
      delete (globalThis as { twofoldHashingQueue?: HashingQueue }).twofoldHashingQueue;
    });

    it("is one instance on globalThis, which proxy.ts reads without creating it", () => {
      expect(hashingQueueRefusal()).toBeNull();
      expect(hashingQueue()).toBe(hashingQueue());
      expect((globalThis as { twofoldHashingQueue?: HashingQueue }).twofoldHashingQueue).toBe(hashingQueue());
    });
  });
});
