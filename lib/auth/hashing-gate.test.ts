import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { HashingQueue, hashingQueue } from "@/lib/auth/hashing-queue";
import { proxy } from "@/proxy";

const globalForQueue = globalThis as { twofoldHashingQueue?: HashingQueue };

/** Fills the process-wide queue (as a flood of sign-ins would) with jobs the test releases. */
function floodTheQueue(options: { concurrency: number; queueLimit: number }) {
  globalForQueue.twofoldHashingQueue = new HashingQueue(options);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const jobs = Array.from({ length: options.concurrency + options.queueLimit }, () => hashingQueue().run(() => gate));
  return {
    release: async () => {
      open();
      await Promise.all(jobs);
    },
  };
}

const serverAction = (path: string, init: { method?: string; action?: boolean } = {}) =>
  new NextRequest(`http://127.0.0.1:3000${path}`, {
    method: init.method ?? "POST",
    headers: init.action === false ? {} : { "next-action": "7f00aa", "content-type": "text/plain;charset=UTF-8" },
    body: (init.method ?? "POST") === "POST" ? "[]" : undefined,
  });

describe("proxy.ts under a flood of password hashing", () => {
  afterEach(() => {
    delete globalForQueue.twofoldHashingQueue;
  });

  it("answers 503 with Retry-After to server actions that would hash while the queue is full", async () => {
    const flood = floodTheQueue({ concurrency: 1, queueLimit: 2 });
    for (const path of ["/login", "/login/reset/abc", "/invite/abc", "/setup/abc", "/confirm-access", "/profile"]) {
      const response = await proxy(serverAction(path));
      expect(response.status, path).toBe(503);
      expect(Number(response.headers.get("retry-after")), path).toBeGreaterThanOrEqual(1);
      expect(await response.text()).toContain("Twofold is busy");
    }
    await flood.release();
    // Drained: the same request goes through again.
    expect((await proxy(serverAction("/login"))).status).not.toBe(503);
  });

  it("lets through what does not hash: pages, other actions, and everything while the queue has room", async () => {
    expect((await proxy(serverAction("/login"))).status).not.toBe(503);
    const flood = floodTheQueue({ concurrency: 1, queueLimit: 0 });
    expect((await proxy(serverAction("/login", { method: "GET", action: false }))).status).not.toBe(503);
    expect((await proxy(serverAction("/login", { action: false }))).status).not.toBe(503);
    expect((await proxy(serverAction("/login/two-factor"))).status).not.toBe(503);
    expect((await proxy(serverAction("/admin/users"))).status).not.toBe(503);
    await flood.release();
  });
});
