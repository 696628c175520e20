import "server-only";
import { getDb } from "@/db";
import { adoptionOf, type Adoption } from "@/lib/admin/adoption";
import { adoptionHistory, type AdoptionDay } from "@/lib/admin/adoption-snapshots";
import type { CurrentSession } from "@/lib/auth/guards";

export type { Adoption, AdoptionDay };

/** The actor's organisation's adoption now and over the last 90 days (the caller has checked `users:read`). */
export async function getAdoptionOverview(
  current: CurrentSession,
): Promise<{ adoption: Adoption; history: AdoptionDay[] }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  const now = new Date();
  const [adoption, history] = await Promise.all([
    adoptionOf(db, organisationId, now),
    adoptionHistory(db, organisationId, now),
  ]);
  return { adoption, history };
}
