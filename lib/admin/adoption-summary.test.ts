import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adoptionSnapshots, organisations, totpCredentials, users } from "@/db/schema";
import { adoptionHistory } from "@/lib/admin/adoption-snapshots";
import {
  overviewAdoption,
  recountNow,
  RECOUNT_INTERVAL_MS,
  refreshAdoptionSummary,
  refreshLargeOrganisationSummaries,
} from "@/lib/admin/adoption-summary";
import { insertUser, testDatabase } from "@/test/db";

const MINUTE = 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 30, 9, 0));

async function organisationOf(size: number) {
  const db = testDatabase();
  const first = await insertUser(db);
  for (let index = 1; index < size; index++) await insertUser(db, { organisationId: first.organisationId });
  return { db, organisationId: first.organisationId, firstUserId: first.id };
}

describe("the overview's counts: live for small organisations, from the refreshed summary for large ones", () => {
  it("counts an organisation at the limit live, every time, and records no summary", async () => {
    const { db, organisationId, firstUserId } = await organisationOf(3);
    const live = await overviewAdoption(db, organisationId, now, 3);
    expect(live.countedAt).toBeNull();
    expect(live.total).toBe(3);
    expect(live.segments.optional_without).toBe(3);
    await db.insert(totpCredentials).values({ userId: firstUserId, secretEncrypted: "x", confirmedAt: now });
    const after = await overviewAdoption(db, organisationId, now, 3);
    expect([after.segments.protected, after.methods.totp, after.countedAt]).toEqual([1, 1, null]);
    expect(await db.select().from(adoptionSnapshots)).toEqual([]);
    expect(await refreshLargeOrganisationSummaries(db, now, 3)).toBe(0);
  });

  it("above the limit serves the summary with its time until it is recounted (job or Recount now)", async () => {
    const { db, organisationId, firstUserId } = await organisationOf(4);
    // No summary yet: counted on the spot and kept.
    const first = await overviewAdoption(db, organisationId, now, 3);
    expect([first.total, first.segments.optional_without, first.countedAt]).toEqual([4, 4, now]);
    // A factor set up afterwards: the summary still says what it counted, and when.
    await db.insert(totpCredentials).values({ userId: firstUserId, secretEncrypted: "x", confirmedAt: now });
    const later = new Date(now.getTime() + 5 * MINUTE);
    const stale = await overviewAdoption(db, organisationId, later, 3);
    expect([stale.segments.protected, stale.countedAt]).toEqual([0, now]);
    // The job's minute: every large organisation recounted, small ones left alone.
    const small = await insertUser(db);
    expect(await refreshLargeOrganisationSummaries(db, later, 3)).toBe(1);
    const refreshed = await overviewAdoption(db, organisationId, later, 3);
    expect([refreshed.segments.protected, refreshed.methods.totp, refreshed.countedAt]).toEqual([1, 1, later]);
    expect(
      await db.select().from(adoptionSnapshots).where(eq(adoptionSnapshots.organisationId, small.organisationId)),
    ).toEqual([]);
    // Today's snapshot is the summary: one row for the day, the chart's today point the latest count.
    const history = await adoptionHistory(db, organisationId, later);
    expect(history.map(({ day, counts }) => [day, counts.total, counts.protected])).toEqual([["2026-11-30", 4, 1]]);
  });

  it("recounts a summary older than ten minutes (no job runner) when the overview is asked for", async () => {
    const { db, organisationId, firstUserId } = await organisationOf(4);
    await refreshAdoptionSummary(db, organisationId, now);
    await db.insert(totpCredentials).values({ userId: firstUserId, secretEncrypted: "x", confirmedAt: now });
    const inTime = new Date(now.getTime() + 10 * MINUTE);
    expect((await overviewAdoption(db, organisationId, inTime, 3)).countedAt).toEqual(now);
    const tooOld = new Date(now.getTime() + 10 * MINUTE + 1);
    const recounted = await overviewAdoption(db, organisationId, tooOld, 3);
    expect([recounted.segments.protected, recounted.countedAt]).toEqual([1, tooOld]);
  });

  it("keeps the nearest grace deadlines with the summary, and shows each person's name as it is now", async () => {
    const { db, organisationId, firstUserId } = await organisationOf(4);
    await db
      .update(organisations)
      .set({ twoFactorPolicy: "required", twoFactorGraceDays: 7, allowCode: false })
      .where(eq(organisations.id, organisationId));
    const summary = await overviewAdoption(db, organisationId, now, 3);
    expect([summary.segments.in_grace, summary.nearestDeadlines.length]).toEqual([4, 4]);
    const soonest = await insertUser(db, {
      organisationId,
      name: "Soonest",
      twoFactorRequiredSince: new Date(now.getTime() - 6 * 24 * 60 * MINUTE),
    });
    await db.update(users).set({ name: "Renamed" }).where(eq(users.id, firstUserId));
    const later = new Date(now.getTime() + MINUTE);
    const served = await overviewAdoption(db, organisationId, later, 3);
    expect(served.countedAt).toEqual(now);
    expect(served.nearestDeadlines.map((person) => person.id)).not.toContain(soonest.id);
    expect(served.nearestDeadlines.find((person) => person.id === firstUserId)?.name).toBe("Renamed");
    await refreshAdoptionSummary(db, organisationId, later);
    const recounted = await overviewAdoption(db, organisationId, later, 3);
    expect(recounted.nearestDeadlines[0]?.id).toBe(soonest.id);
    expect(recounted.nearestDeadlines[0]?.deadline).toEqual(new Date(now.getTime() + 24 * 60 * MINUTE));
  });

  it("Recount now counts once however many press it at once, and again only after its interval", async () => {
    const { db, organisationId, firstUserId } = await organisationOf(4);
    const other = await insertUser(db);
    const presses = await Promise.all([1, 2, 3, 4, 5].map(() => recountNow(db, organisationId, now)));
    expect(presses.filter(Boolean)).toHaveLength(1);
    // Another organisation's people are not held back by this one's presses.
    expect(await recountNow(db, other.organisationId, now)).toBe(true);
    await db.insert(totpCredentials).values({ userId: firstUserId, secretEncrypted: "x", confirmedAt: now });
    const soon = new Date(now.getTime() + RECOUNT_INTERVAL_MS - 1000);
    expect(await recountNow(db, organisationId, soon)).toBe(false);
    expect((await overviewAdoption(db, organisationId, soon, 3)).segments.protected).toBe(0);
    const later = new Date(now.getTime() + RECOUNT_INTERVAL_MS);
    expect(await recountNow(db, organisationId, later)).toBe(true);
    const counted = await overviewAdoption(db, organisationId, later, 3);
    expect([counted.segments.protected, counted.countedAt]).toEqual([1, later]);
  });
});
