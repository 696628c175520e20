import { DEFAULT_AUDIT_RETENTION_DAYS } from "@/db/schema";
import { describe, expect, it } from "vitest";
import { AUDIT_RETENTION_BOUNDS, auditRetentionSchema } from "@/lib/organisations/audit-retention";

describe("audit retention setting", () => {
  it("defaults to a year, within 90 days to ten years", () => {
    expect(AUDIT_RETENTION_BOUNDS).toEqual({ min: 90, max: 3650, default: 365 });
    expect(AUDIT_RETENTION_BOUNDS.default).toBe(DEFAULT_AUDIT_RETENTION_DAYS);
  });

  it.each([
    ["365", { ok: 365 }],
    ["90", { ok: 90 }],
    ["3650", { ok: 3650 }],
    [" 400 ", { ok: 400 }],
    ["89", { error: "Keep audit events for at least 90 days, so there is time to look into what happened." }],
    ["0", { error: "Keep audit events for at least 90 days, so there is time to look into what happened." }],
    ["-365", { error: "Keep audit events for at least 90 days, so there is time to look into what happened." }],
    ["3651", { error: "Use at most 3650 days (ten years)." }],
    ["1e9", { error: "Use at most 3650 days (ten years)." }],
    ["365.5", { error: "Enter a whole number of days." }],
    ["a year", { error: "Enter a number of days." }],
    ["", { error: "Enter a number of days." }],
    [undefined, { error: "Enter a number of days." }],
  ])("%j → %j", (typed, expected) => {
    const parsed = auditRetentionSchema.safeParse({ auditRetentionDays: typed });
    expect(
      parsed.success ? { ok: parsed.data.auditRetentionDays } : { error: parsed.error.issues[0]!.message },
    ).toEqual(expected);
  });
});
