import { describe, expect, it } from "vitest";
import { drainMilliseconds } from "./shutdown";

describe("SHUTDOWN_DRAIN_SECONDS: how long a stopping instance keeps answering with /readyz at 503", () => {
  it("is 5 seconds unless set, and nonsense falls back to that", () => {
    expect(drainMilliseconds(undefined)).toBe(5_000);
    expect(drainMilliseconds("")).toBe(5_000);
    expect(drainMilliseconds("soon")).toBe(5_000);
    expect(drainMilliseconds("-1")).toBe(5_000);
  });

  it("may be 0 (no load balancer), and stays under npm start's 25-second limit", () => {
    expect(drainMilliseconds("0")).toBe(0);
    expect(drainMilliseconds("2.5")).toBe(2_500);
    expect(drainMilliseconds("60")).toBe(15_000);
  });
});
