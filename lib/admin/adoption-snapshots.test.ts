import { describe, expect, it, vi } from "vitest";
import { adoptionSnapshots } from "@/db/schema";
import { adoptionOf } from "@/lib/admin/adoption";
import { adoptionHistory, recordAdoptionSnapshots } from "@/lib/admin/adoption-snapshots";
import { insertUser, testDatabase } from "@/test/db";

describe("daily adoption snapshots", () => {
  it("records one snapshot per organisation per UTC day, and reads the last 90 days oldest first", async () => {
    const db = testDatabase();
    const { organisationId } = await insertUser(db);
    await insertUser(db, { organisationId, isApiAccount: true });
    const other = await insertUser(db);
    const day1 = new Date(Date.UTC(2026, 10, 27, 23, 0));
    expect(await recordAdoptionSnapshots(db, day1)).toBe(2);
    expect(await recordAdoptionSnapshots(db, new Date(Date.UTC(2026, 10, 27, 23, 30)))).toBe(0);
    await insertUser(db, { organisationId });
    expect(await recordAdoptionSnapshots(db, new Date(Date.UTC(2026, 10, 28, 0, 5)))).toBe(2);
    // Too old to show.
    await db.insert(adoptionSnapshots).values({ organisationId, day: "2026-08-01", counts: { total: 1 } });
    const history = await adoptionHistory(db, organisationId, new Date(Date.UTC(2026, 10, 28, 12)));
    expect(history.map(({ day, counts }) => [day, counts.total, counts.optional_without, counts.exempt])).toEqual([
      ["2026-11-27", 2, 1, 1],
      ["2026-11-28", 3, 2, 1],
    ]);
    expect((await adoptionHistory(db, other.organisationId, day1)).map(({ day }) => day)).toEqual(["2026-11-27"]);
  });

  it("works out adoption only for organisations still lacking today's snapshot", async () => {
    const db = testDatabase();
    const first = await insertUser(db);
    const second = await insertUser(db);
    const morning = new Date(Date.UTC(2026, 10, 27, 1, 0));
    const computed = vi.fn(adoptionOf);
    await db.insert(adoptionSnapshots).values({ organisationId: first.organisationId, day: "2026-11-27", counts: {} });
    expect(await recordAdoptionSnapshots(db, morning, computed)).toBe(1);
    expect(computed.mock.calls.map(([, organisationId]) => organisationId)).toEqual([second.organisationId]);
    // The other 23 runs of the day compute nothing.
    computed.mockClear();
    expect(await recordAdoptionSnapshots(db, new Date(Date.UTC(2026, 10, 27, 2, 0)), computed)).toBe(0);
    expect(computed).not.toHaveBeenCalled();
  });
});
