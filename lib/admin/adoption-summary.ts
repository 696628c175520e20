import "server-only";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { adoptionSnapshots, organisations, TWO_FACTOR_METHODS, users, type TwoFactorMethod } from "@/db/schema";
import { ADOPTION_SEGMENTS, adoptionCounts, adoptionOf, inGraceUsers, type Adoption } from "@/lib/admin/adoption";
import { utcDay } from "@/lib/admin/adoption-snapshots";

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

/** Counts the organisation now and keeps the counts as today's snapshot, counted at `now`. */
export async function refreshAdoptionSummary(db: Db, organisationId: number, now = new Date()): Promise<Adoption> {
  const adoption = await adoptionOf(db, organisationId, now);
  const counts = adoptionCounts(adoption);
  await db
    .insert(adoptionSnapshots)
    .values({ organisationId, day: utcDay(now), counts, createdAt: now })
    .onConflictDoUpdate({
      target: [adoptionSnapshots.organisationId, adoptionSnapshots.day],
      set: { counts, createdAt: now },
    });
  return adoption;
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
  };
}

/**
 * The overview's counts: live for a small organisation, else the latest
 * summary, recounted first when it is missing or older than
 * SUMMARY_MAX_AGE_MS. The nearest deadlines are always read live (five
 * rows, from the grace-start index), so a name there is never stale.
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
  const [latest] = await db
    .select({ counts: adoptionSnapshots.counts, countedAt: adoptionSnapshots.createdAt })
    .from(adoptionSnapshots)
    .where(and(eq(adoptionSnapshots.organisationId, organisationId), eq(adoptionSnapshots.day, utcDay(now))));
  if (!latest || now.getTime() - latest.countedAt.getTime() > SUMMARY_MAX_AGE_MS) {
    return { ...(await refreshAdoptionSummary(db, organisationId, now)), countedAt: now };
  }
  const counted = adoptionFromCounts(latest.counts);
  return {
    ...counted,
    nearestDeadlines: counted.segments.in_grace > 0 ? await inGraceUsers(db, organisationId, now, 5) : [],
    countedAt: latest.countedAt,
  };
}
