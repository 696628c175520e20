import "server-only";
import { and, asc, eq, gte, lte, notExists } from "drizzle-orm";
import type { Db } from "@/db";
import { adoptionSnapshots, organisations } from "@/db/schema";
import { adoptionCounts, adoptionOf } from "@/lib/admin/adoption";

const DAY_MS = 24 * 60 * 60 * 1000;

/** 'YYYY-MM-DD' of the UTC day `date` falls in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Records today's adoption counts of every organisation, once per day: a
 * second run the same day (another instance, a restart) computes and
 * inserts nothing (two racing runs both may compute; one row is kept).
 * Returns how many snapshots it recorded.
 */
export async function recordAdoptionSnapshots(db: Db, now = new Date(), adoption = adoptionOf): Promise<number> {
  const day = utcDay(now);
  let recorded = 0;
  // Only organisations without today's snapshot: the adoption aggregate is not worked out 23 times a day for nothing.
  const hasToday = db
    .select({ id: adoptionSnapshots.id })
    .from(adoptionSnapshots)
    .where(and(eq(adoptionSnapshots.organisationId, organisations.id), eq(adoptionSnapshots.day, day)));
  const lacking = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(notExists(hasToday))
    .orderBy(asc(organisations.id));
  for (const { id } of lacking) {
    const counts = adoptionCounts(await adoption(db, id, now));
    const inserted = await db
      .insert(adoptionSnapshots)
      .values({ organisationId: id, day, counts })
      .onConflictDoNothing({ target: [adoptionSnapshots.organisationId, adoptionSnapshots.day] })
      .returning({ id: adoptionSnapshots.id });
    recorded += inserted.length;
  }
  return recorded;
}

export type AdoptionDay = { day: string; counts: Record<string, number> };

/** The organisation's snapshots of the last `days` days (today included), oldest first. */
export async function adoptionHistory(
  db: Db,
  organisationId: number,
  now = new Date(),
  days = 90,
): Promise<AdoptionDay[]> {
  const first = utcDay(new Date(now.getTime() - (days - 1) * DAY_MS));
  return await db
    .select({ day: adoptionSnapshots.day, counts: adoptionSnapshots.counts })
    .from(adoptionSnapshots)
    .where(
      and(
        eq(adoptionSnapshots.organisationId, organisationId),
        gte(adoptionSnapshots.day, first),
        lte(adoptionSnapshots.day, utcDay(now)),
      ),
    )
    .orderBy(asc(adoptionSnapshots.day));
}
