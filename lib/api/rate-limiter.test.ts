import { describe, expect, it } from "vitest";
import { FixedWindowRateLimiter } from "@/lib/api/rate-limiter";

const start = 1_000_000;

describe("FixedWindowRateLimiter", () => {
  it("allows `limit` requests a window per key, then refuses until the window ends", () => {
    const limiter = new FixedWindowRateLimiter(3, 60_000);
    expect([0, 1, 2].map((i) => limiter.hit("a", start + i * 1000))).toEqual([
      { allowed: true, limit: 3, remaining: 2, resetSeconds: 60 },
      { allowed: true, limit: 3, remaining: 1, resetSeconds: 59 },
      { allowed: true, limit: 3, remaining: 0, resetSeconds: 58 },
    ]);
    expect(limiter.hit("a", start + 30_000)).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 30 });
    expect(limiter.hit("a", start + 59_999)).toMatchObject({ allowed: false, resetSeconds: 1 });
    // Another key has its own count.
    expect(limiter.hit("b", start + 30_000)).toMatchObject({ allowed: true, remaining: 2 });
    // The window started at the first request; after it, a new one starts.
    expect(limiter.hit("a", start + 60_000)).toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
  });

  it("does not count refused requests against the next window", () => {
    const limiter = new FixedWindowRateLimiter(1, 1000);
    expect(limiter.hit(7, start).allowed).toBe(true);
    for (let i = 0; i < 50; i++) expect(limiter.hit(7, start + 10 + i).allowed).toBe(false);
    expect(limiter.hit(7, start + 1000).allowed).toBe(true);
  });

  it("keeps memory bounded: expired keys are dropped, and past the cap the oldest go", () => {
    const limiter = new FixedWindowRateLimiter(5, 1000, 100);
    for (let key = 0; key < 50; key++) limiter.hit(key, start);
    expect(limiter.size).toBe(50);
    // A window later, the next new key sweeps all the expired ones.
    limiter.hit("late", start + 1000);
    expect(limiter.size).toBe(1);
    for (let key = 0; key < 500; key++) limiter.hit(key, start + 1500);
    expect(limiter.size).toBe(100);
    // The most recent keys are kept and still counted.
    expect(limiter.hit(499, start + 1500)).toMatchObject({ allowed: true, remaining: 3 });
  });
});
