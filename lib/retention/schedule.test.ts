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

  it("purges at start and then every hour, on one unref'd timer however often it is started", () => {
    const dayOld = (body: string) =>
      db
        .insert(outbox)
        .values({ channel: "sms", to: "+15551234567", body, createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) })
        .run();
    const setInterval = vi.spyOn(globalThis, "setInterval");
    dayOld("before start");
    startRetentionSchedule(db);
    startRetentionSchedule(db);
    expect(db.select().from(outbox).all()).toEqual([]);
    expect(setInterval).toHaveBeenCalledTimes(1);
    const timer = setInterval.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    dayOld("an hour later");
    vi.advanceTimersByTime(PURGE_INTERVAL_MS);
    expect(db.select().from(outbox).all()).toEqual([]);
    expect(console.log).toHaveBeenCalledWith("Twofold: removed expired data: outbox 1");
  });
});
