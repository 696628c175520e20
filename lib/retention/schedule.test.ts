import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { outbox } from "@/db/schema";
import { PURGE_INTERVAL_MS, startRetentionSchedule } from "@/lib/retention/schedule";
import { testDatabase } from "@/test/db";

describe("the retention schedule", () => {
  let db: Db;
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-11-29T06:00:00Z") });
    vi.spyOn(console, "log").mockImplementation(() => {});
    db = testDatabase();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("purges at start and then every hour, on one unref'd timer however often it is started", async () => {
    const dayOld = async (body: string) =>
      await db
        .insert(outbox)
        .values({ channel: "sms", to: "+15551234567", body, createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) });
    const setInterval = vi.spyOn(globalThis, "setInterval");
    await dayOld("before start");
    await startRetentionSchedule(db);
    await startRetentionSchedule(db);
    expect(await db.select().from(outbox)).toEqual([]);
    expect(setInterval).toHaveBeenCalledTimes(1);
    const timer = setInterval.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    await dayOld("an hour later");
    vi.mocked(console.log).mockClear();
    await vi.advanceTimersByTimeAsync(PURGE_INTERVAL_MS);
    // The hourly purge runs its queries after the timer fires: wait for its log line.
    await vi.waitFor(() => expect(console.log).toHaveBeenCalledWith("Twofold: removed expired data: outbox 1"));
    expect(await db.select().from(outbox)).toEqual([]);
  });
});
