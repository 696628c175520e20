import { and, eq, isNull, lt, lte, or } from "drizzle-orm";
import type { Db } from "@/db";
import { jobLeases } from "@/db/schema";
import { describeErrorForLog } from "@/lib/messaging/redact";

/**
 * A periodic job: run at most once per `intervalMs` across every instance,
 * by whichever instance takes its lease first. `leaseMs` must be longer than
 * the job's worst case: an instance that dies mid-run holds the lease until
 * it ends, and only then may another take the job over.
 */
export type Job = {
  name: string;
  intervalMs: number;
  leaseMs: number;
  run: (db: Db, now: Date) => Promise<void>;
};

export type JobOutcome = { name: string; error: string | null };

/**
 * Takes the job's lease if no one holds it and its interval has passed since
 * it last started: one conditional UPDATE, so of several instances ticking
 * at once exactly one gets a row back.
 */
async function takeLease(db: Db, job: Job, instanceId: string, now: Date): Promise<boolean> {
  await db.insert(jobLeases).values({ name: job.name }).onConflictDoNothing({ target: jobLeases.name });
  const taken = await db
    .update(jobLeases)
    .set({ leasedBy: instanceId, leasedUntil: new Date(now.getTime() + job.leaseMs), lastStartedAt: now })
    .where(
      and(
        eq(jobLeases.name, job.name),
        or(isNull(jobLeases.leasedUntil), lt(jobLeases.leasedUntil, now)),
        or(isNull(jobLeases.lastStartedAt), lte(jobLeases.lastStartedAt, new Date(now.getTime() - job.intervalMs))),
      ),
    )
    .returning({ name: jobLeases.name });
  return taken.length > 0;
}

/**
 * Runs the job if this instance takes its lease, and records how it ended:
 * `null` when it was not due (run elsewhere, or within its interval). A
 * failing job is recorded (lastError) and retried at its next interval; it
 * never stops the others or the server.
 */
export async function runIfDue(db: Db, job: Job, instanceId: string, now = new Date()): Promise<JobOutcome | null> {
  if (!(await takeLease(db, job, instanceId, now))) return null;
  let error: string | null = null;
  try {
    await job.run(db, now);
  } catch (caught) {
    error = describeErrorForLog(caught);
    console.error(`Twofold: job ${job.name} failed:`, error);
  }
  await db
    .update(jobLeases)
    .set({ leasedUntil: null, lastFinishedAt: new Date(), lastError: error })
    .where(and(eq(jobLeases.name, job.name), eq(jobLeases.leasedBy, instanceId)));
  return { name: job.name, error };
}

/** Runs every due job whose lease this instance takes, one after another. */
export async function runDueJobs(
  db: Db,
  jobs: readonly Job[],
  { instanceId, now = new Date() }: { instanceId: string; now?: Date },
): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (const job of jobs) {
    const outcome = await runIfDue(db, job, instanceId, now);
    if (outcome) outcomes.push(outcome);
  }
  return outcomes;
}
