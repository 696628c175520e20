import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { jobLeases } from "@/db/schema";
import { runDueJobs, type Job } from "@/lib/jobs/runner";
import { testDatabase } from "@/test/db";

const HOUR = 60 * 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 29, 12));

function countingJob(overrides: Partial<Job> = {}) {
  const runs: Date[] = [];
  const job: Job = {
    name: "counting",
    intervalMs: HOUR,
    leaseMs: 10 * 60 * 1000,
    run: async (_db, at) => {
      runs.push(at);
      // Long enough for the other runner to try while this one holds the lease.
      await new Promise((resolve) => setTimeout(resolve, 20));
    },
    ...overrides,
  };
  return { job, runs };
}

describe("the job runner", () => {
  it("runs a job once when two instances tick at the same moment on one database", async () => {
    const db = testDatabase();
    const { job, runs } = countingJob();
    const [a, b] = await Promise.all([
      runDueJobs(db, [job], { instanceId: "a", now }),
      runDueJobs(db, [job], { instanceId: "b", now }),
    ]);
    expect(runs).toHaveLength(1);
    expect([...a, ...b]).toEqual([{ name: "counting", error: null }]);
    const lease = (await db.select().from(jobLeases).where(eq(jobLeases.name, "counting")))[0]!;
    expect(lease.leasedUntil).toBeNull();
    expect(lease.lastStartedAt).toEqual(now);
    expect(lease.lastFinishedAt).not.toBeNull();
    expect(["a", "b"]).toContain(lease.leasedBy);
  });

  it("runs it again only once its interval has passed, and not while another instance holds the lease", async () => {
    const db = testDatabase();
    const { job, runs } = countingJob();
    await runDueJobs(db, [job], { instanceId: "a", now });
    await runDueJobs(db, [job], { instanceId: "b", now: new Date(now.getTime() + HOUR - 1) });
    expect(runs).toHaveLength(1);
    await runDueJobs(db, [job], { instanceId: "b", now: new Date(now.getTime() + HOUR) });
    expect(runs).toHaveLength(2);
    // An instance that died holding the lease: no one runs the job until the lease ends.
    await db
      .update(jobLeases)
      .set({ leasedBy: "dead", leasedUntil: new Date(now.getTime() + 3 * HOUR) })
      .where(eq(jobLeases.name, "counting"));
    await runDueJobs(db, [job], { instanceId: "a", now: new Date(now.getTime() + 2.5 * HOUR) });
    expect(runs).toHaveLength(2);
    await runDueJobs(db, [job], { instanceId: "a", now: new Date(now.getTime() + 3 * HOUR + 1) });
    expect(runs).toHaveLength(3);
  });

  it("records a failure and still runs the next job", async () => {
    const db = testDatabase();
    const failing: Job = {
      name: "failing",
      intervalMs: HOUR,
      leaseMs: 60_000,
      run: async () => {
        throw new Error("boom");
      },
    };
    const { job, runs } = countingJob();
    const outcomes = await runDueJobs(db, [failing, job], { instanceId: "a", now });
    expect(outcomes.map(({ name, error }) => [name, error === null])).toEqual([
      ["failing", false],
      ["counting", true],
    ]);
    expect(runs).toHaveLength(1);
    const lease = (await db.select().from(jobLeases).where(eq(jobLeases.name, "failing")))[0]!;
    expect(lease.lastError).toContain("boom");
    expect(lease.leasedUntil).toBeNull();
  });
});
