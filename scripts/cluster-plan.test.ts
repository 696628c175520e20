import { describe, expect, it } from "vitest";
import { planProcesses, RestartBudget, stoppedOnRequest } from "./cluster-plan.mjs";

describe("npm start: how many processes, and how many hashes each", () => {
  it.each([
    [{}, 8, { processes: 8, hashConcurrency: "1" }],
    [{}, 2, { processes: 2, hashConcurrency: "1" }],
    [{ WEB_CONCURRENCY: "1" }, 8, { processes: 1, hashConcurrency: "8" }],
    [{ WEB_CONCURRENCY: "3" }, 8, { processes: 3, hashConcurrency: "2" }],
    [{ WEB_CONCURRENCY: "4" }, 2, { processes: 4, hashConcurrency: "1" }],
    [{ WEB_CONCURRENCY: " " }, 4, { processes: 4, hashConcurrency: "1" }],
    [{ WEB_CONCURRENCY: "2", HASH_CONCURRENCY: "5" }, 8, { processes: 2, hashConcurrency: "5" }],
  ])("%o on %i cores: %o", (env, cores, expected) => {
    expect(planProcesses(env, cores)).toEqual(expected);
  });

  it.each(["0", "-1", "two", "1.5", "2x"])("WEB_CONCURRENCY=%s is refused with what it must be", (value) => {
    expect(planProcesses({ WEB_CONCURRENCY: value }, 4)).toEqual({
      error: "WEB_CONCURRENCY must be a whole number of server processes, 1 or more (unset: one per core, 4 here).",
    });
  });
});

describe("npm start: what a worker's exit means", () => {
  it.each([
    [143, null, true],
    [130, null, true],
    [0, null, true],
    [null, "SIGTERM", true],
    [1, null, false],
    [null, "SIGKILL", false],
  ] as const)("exit code %s, signal %s: stopped on request %s", (code, signal, expected) => {
    expect(stoppedOnRequest(code, signal)).toBe(expected);
  });

  it("replaces crashed workers a bounded number of times per window, then again once the window has passed", () => {
    const budget = new RestartBudget(2, 1_000);
    expect([budget.allow(0), budget.allow(10), budget.allow(20)]).toEqual([true, true, false]);
    expect(budget.allow(1_010)).toBe(true);
  });
});
