import "server-only";
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import {
  adoptionSnapshots,
  organisations,
  TWO_FACTOR_METHODS,
  TWO_FACTOR_REQUIREMENTS,
  users,
  type TwoFactorMethod,
  type TwoFactorRequirement,
} from "@/db/schema";
import {
  ADOPTION_SEGMENTS,
  adoptionCounts,
  adoptionOf,
  namedDeadlines,
  type Adoption,
  type NearestDeadline,
} from "@/lib/admin/adoption";
import { utcDay } from "@/lib/admin/adoption-snapshots";
import { runIfDue } from "@/lib/jobs/runner";
import type { UserFilters } from "@/lib/admin/user-filters";

/*
 * The overview's counts of a large organisation, from a summary instead of
 * one aggregate over every user at each page view (571 ms at 100,000 users
 * on SQLite, against 7 ms at 100: docs/performance.md). Small organisations,
 * up to LIVE_COUNT_LIMIT users, are counted live, so the seeded demo and the
 * e2e see exact numbers at once; a large one reads the summary the job
 * runner refreshes every minute (lib/jobs/app-jobs.ts), or that "Recount
 * now" refreshes at once, and the page says when it was counted.
 *
 * The summary is the organisation's adoption snapshot of today
 * (adoption_snapshots): its counts are what the snapshot holds already, and
 * its created_at, moved forward at each refresh, says when they were
 * counted. So no new table or column (no schema change): today's point of
 * the 90-day chart is then the latest count rather than the day's first,
 * and each earlier day keeps that day's last count.
 */

/** Up to this many users an organisation's overview counts live; above it, from the summary. */
export const LIVE_COUNT_LIMIT = 2000;

/** A summary older than this (no job runner, or it failed) is recounted when the overview is asked for. */
export const SUMMARY_MAX_AGE_MS = 10 * 60 * 1000;

/** The overview's counts, and when they were counted: `null` when counted live for this page. */
export type CountedAdoption = Adoption & { countedAt: Date | null };

/** Whether the organisation has more than `limit` users: counts at most that many and one more. */
async function countsFromSummary(db: Db, organisationId: number, limit: number): Promise<boolean> {
  const { users: found } = (
    await db
      .select({ users: count() })
      .from(
        sql`(select 1 from ${users} where ${users.organisationId} = ${organisationId} limit ${limit + 1}) as "counted"`,
      )
  )[0]!;
  return found > limit;
}

const DEADLINE_KEY = "deadline:";

/**
 * Counts the organisation now and keeps the counts as today's snapshot,
 * counted at `now`, with the nearest grace deadlines as "deadline:<user id>"
 * = the deadline's epoch ms: finding them means deciding every user's state
 * (about 0.5 s at 100,000 users), so they are found with the counts.
 */
export async function refreshAdoptionSummary(db: Db, organisationId: number, now = new Date()): Promise<Adoption> {
  const adoption = await adoptionOf(db, organisationId, now);
  const counts = {
    ...adoptionCounts(adoption),
    ...Object.fromEntries(
      adoption.nearestDeadlines.map((person) => [`${DEADLINE_KEY}${person.id}`, person.deadline.getTime()]),
    ),
  };
  await db
    .insert(adoptionSnapshots)
    .values({ organisationId, day: utcDay(now), counts, createdAt: now })
    .onConflictDoUpdate({
      target: [adoptionSnapshots.organisationId, adoptionSnapshots.day],
      set: { counts, createdAt: now },
    });
  return adoption;
}

/**
 * "Recount now" runs at most once per organisation in this interval, however
 * many people press it on however many instances: a count of 100,000 users
 * costs seconds of CPU (ASVS 5.0 V2.4.1, anti-automation on costly functions).
 */
export const RECOUNT_INTERVAL_MS = 30 * 1000;

/**
 * "Recount now": counts the organisation again unless it was recounted this
 * way within RECOUNT_INTERVAL_MS, under a lease in job_leases (one conditional
 * update, as the job runner's) so two presses at once count once. Returns
 * whether it counted.
 */
export async function recountNow(db: Db, organisationId: number, now = new Date()): Promise<boolean> {
  const outcome = await runIfDue(
    db,
    {
      name: `adoption-recount:${organisationId}`,
      intervalMs: RECOUNT_INTERVAL_MS,
      leaseMs: 5 * 60 * 1000,
      run: async (jobDb, at) => void (await refreshAdoptionSummary(jobDb, organisationId, at)),
    },
    randomUUID(),
    now,
  );
  if (outcome?.error) throw new Error(`Recount failed: ${outcome.error}`);
  return outcome !== null;
}

/** Refreshes the summary of every organisation counted from one (the job, every minute); returns how many. */
export async function refreshLargeOrganisationSummaries(
  db: Db,
  now = new Date(),
  liveCountLimit = LIVE_COUNT_LIMIT,
): Promise<number> {
  let refreshed = 0;
  for (const { id } of await db.select({ id: organisations.id }).from(organisations).orderBy(asc(organisations.id))) {
    if (!(await countsFromSummary(db, id, liveCountLimit))) continue;
    await refreshAdoptionSummary(db, id, now);
    refreshed++;
  }
  return refreshed;
}

function adoptionFromCounts(counts: Record<string, number>): Omit<Adoption, "nearestDeadlines"> {
  const n = (key: string) => Number(counts[key] ?? 0);
  return {
    total: n("total"),
    segments: Object.fromEntries(ADOPTION_SEGMENTS.map((segment) => [segment, n(segment)])) as Adoption["segments"],
    methods: Object.fromEntries(TWO_FACTOR_METHODS.map((method) => [method, n(`method:${method}`)])) as Record<
      TwoFactorMethod,
      number
    >,
    requirements: Object.fromEntries(
      TWO_FACTOR_REQUIREMENTS.map((level) => [level, n(`requirement:${level}`)]),
    ) as Record<TwoFactorRequirement, number>,
    graceEndsWithin: Object.keys(counts)
      .filter((key) => key.startsWith("grace-within:"))
      .map((key) => Number(key.slice("grace-within:".length)))
      .sort((a, b) => a - b)
      .map((days) => n(`grace-within:${days}`)),
  };
}

/** The summary's nearest deadlines, with each person's current name and email (someone deleted since is left out). */
async function summarisedDeadlines(
  db: Db,
  organisationId: number,
  counts: Record<string, number>,
): Promise<NearestDeadline[]> {
  const deadlines = Object.entries(counts)
    .filter(([key]) => key.startsWith(DEADLINE_KEY))
    .map(([key, ms]) => ({ id: Number(key.slice(DEADLINE_KEY.length)), deadline: new Date(ms) }))
    .sort((a, b) => a.deadline.getTime() - b.deadline.getTime() || a.id - b.id);
  return namedDeadlines(db, organisationId, deadlines);
}

/** Today's summary of the organisation, if any. */
async function latestSummary(
  db: Db,
  organisationId: number,
  now: Date,
): Promise<{ counts: Record<string, number>; countedAt: Date } | undefined> {
  const [latest] = await db
    .select({ counts: adoptionSnapshots.counts, countedAt: adoptionSnapshots.createdAt })
    .from(adoptionSnapshots)
    .where(and(eq(adoptionSnapshots.organisationId, organisationId), eq(adoptionSnapshots.day, utcDay(now))));
  return latest;
}

const isFresh = (summary: { countedAt: Date } | undefined, now: Date): summary is { countedAt: Date } =>
  summary !== undefined && now.getTime() - summary.countedAt.getTime() <= SUMMARY_MAX_AGE_MS;

/** The key in a summary's counts of how many users this one filter matches, if the summary counts it. */
function summaryKey(filters: UserFilters, counts: Record<string, number>): string | null {
  const set = Object.entries(filters).filter(([, value]) => value !== undefined);
  if (set.length > 1) return null;
  const key = (() => {
    // No filter: everyone (an exact count reads the organisation's whole index, 3 ms at 100,000 users).
    if (set.length === 0) return "total";
    if (filters.state) return filters.state;
    if (filters.method) return `method:${filters.method}`;
    if (filters.requirement) return `requirement:${filters.requirement}`;
    if (filters.graceWithinDays !== undefined) {
      // Beyond the grace period's length (the last day counted), everyone in grace.
      const days = Object.keys(counts).filter((name) => name.startsWith("grace-within:")).length - 1;
      return days < 0 ? null : `grace-within:${Math.min(filters.graceWithinDays, days)}`;
    }
    return null;
  })();
  return key !== null && key in counts ? key : null;
}

/**
 * How many users the users list holds, or how many one filter of it matches
 * (a 2FA state, a method, a per-user requirement, or a grace ending within N days), from a
 * large organisation's summary, with when it was counted; null when it is to
 * be counted live: a small organisation, a search, several filters, or no
 * fresh summary. Counting these live reads users until a thousand match:
 * 20 ms at 100,000 users, where the page's own rows take 4 (docs/performance.md).
 */
export async function summarisedMatches(
  db: Db,
  organisationId: number,
  filters: UserFilters,
  now = new Date(),
  liveCountLimit = LIVE_COUNT_LIMIT,
): Promise<{ matches: number; countedAt: Date } | null> {
  if (Object.values(filters).filter((value) => value !== undefined).length > 1) return null;
  if (!(await countsFromSummary(db, organisationId, liveCountLimit))) return null;
  const summary = await latestSummary(db, organisationId, now);
  if (!isFresh(summary, now)) return null;
  const key = summaryKey(filters, summary.counts);
  return key === null ? null : { matches: Number(summary.counts[key]), countedAt: summary.countedAt };
}

/**
 * The overview's counts: live for a small organisation, else the latest
 * summary, recounted first when it is missing or older than
 * SUMMARY_MAX_AGE_MS. The nearest deadlines come with the summary, their
 * names and emails read now.
 */
export async function overviewAdoption(
  db: Db,
  organisationId: number,
  now = new Date(),
  liveCountLimit = LIVE_COUNT_LIMIT,
): Promise<CountedAdoption> {
  if (!(await countsFromSummary(db, organisationId, liveCountLimit))) {
    return { ...(await adoptionOf(db, organisationId, now)), countedAt: null };
  }
  const latest = await latestSummary(db, organisationId, now);
  if (!isFresh(latest, now)) {
    return { ...(await refreshAdoptionSummary(db, organisationId, now)), countedAt: now };
  }
  const counted = adoptionFromCounts(latest.counts);
  return {
    ...counted,
    nearestDeadlines: await summarisedDeadlines(db, organisationId, latest.counts),
    countedAt: latest.countedAt,
  };
}
