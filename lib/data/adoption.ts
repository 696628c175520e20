import "server-only";
import { getDb } from "@/db";
import { overviewAdoption, recountNow, type CountedAdoption } from "@/lib/admin/adoption-summary";
import { adoptionHistory, type AdoptionDay } from "@/lib/admin/adoption-snapshots";
import type { CurrentSession } from "@/lib/auth/guards";

export type { CountedAdoption, AdoptionDay };

/**
 * The actor's organisation's adoption now (live, or a large organisation's
 * summary with when it was counted) and over the last 90 days (the caller
 * has checked `users:read`).
 */
export async function getAdoptionOverview(
  current: CurrentSession,
): Promise<{ adoption: CountedAdoption; history: AdoptionDay[] }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const now = new Date();
  // One after the other: the history then includes the summary a stale count has just refreshed.
  const adoption = await overviewAdoption(db, organisationId, now);
  const history = await adoptionHistory(db, organisationId, now);
  return { adoption, history };
}

/**
 * "Recount now": the actor's organisation counted at once and kept as its
 * summary, unless it was recounted moments ago; returns whether it counted
 * (the caller has checked `users:read`).
 */
export async function recountAdoption(current: CurrentSession): Promise<boolean> {
  return recountNow(getDb(), current.organisation.id);
}
