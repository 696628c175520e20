import { describe, expect, it } from "vitest";
import { auditLogHref, parseAuditFilter, startOfDay, typesSelected } from "@/lib/audit-log-filter";

describe("the audit log's filter from the address", () => {
  it("a day begins at the reader's midnight, daylight saving included", () => {
    expect(startOfDay("2026-01-15", "UTC")!.toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(startOfDay("2026-01-15", "Europe/Paris")!.toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfDay("2026-07-15", "Europe/Paris")!.toISOString()).toBe("2026-07-14T22:00:00.000Z");
    expect(startOfDay("2026-03-29", "Europe/Paris", 1)!.toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(startOfDay("2026-01-15", "America/Sao_Paulo")!.toISOString()).toBe("2026-01-15T03:00:00.000Z");
    expect(startOfDay("2026-02-30", "UTC")).toBeNull();
    expect(startOfDay("yesterday", "UTC")).toBeNull();
  });

  it("a start after the end, a date that is not one and a user id that is not a number are messages", () => {
    expect(parseAuditFilter({ from: "2026-03-02", to: "2026-03-01" }, "UTC").errors).toEqual({
      from: "The start date is after the end date.",
    });
    expect(parseAuditFilter({ from: "not-a-date", userId: "abc" }, "UTC").errors).toEqual({
      from: "Enter the start date as a date, like 2026-01-31.",
      userId: "That user id is not a number: open the user's events from their page.",
    });
    expect(parseAuditFilter({ from: "2026-03-01", to: "2026-03-01" }, "UTC").errors).toEqual({});
  });

  it("a user id or page position beyond the database's ids is a message or ignored, never a query (500 on PostgreSQL)", () => {
    const tooBig = parseAuditFilter({ userId: "2147483648", before: "2147483648" }, "UTC");
    expect(tooBig.errors).toEqual({ userId: "That user id is not a number: open the user's events from their page." });
    expect(tooBig.filter.userId).toBeUndefined();
    expect(tooBig.filter.before).toBeUndefined();
    const largest = parseAuditFilter({ userId: "2147483647", before: "2147483647" }, "UTC");
    expect(largest.errors).toEqual({});
    expect(largest.filter).toMatchObject({ userId: 2147483647, before: 2147483647 });
  });

  it("unknown areas and types are dropped; a chosen type narrows only its own area", () => {
    const parsed = parseAuditFilter({ area: ["nonsense", "users"], type: ["nope", "role.deleted"] }, "UTC");
    expect(parsed.values.areas).toEqual(["users"]);
    expect(parsed.values.types).toEqual(["role.deleted"]);
    expect(parsed.filter.types).toContain("user.disabled");
    expect(parsed.filter.types).toContain("role.deleted");
    expect(parsed.filter.types).not.toContain("role.created");
    expect(typesSelected(["roles-groups"], ["role.deleted"])).toEqual(["role.deleted"]);
    expect(typesSelected([], [])).toBeUndefined();
  });

  it("keeps every filter in the address of the next page", () => {
    const { values } = parseAuditFilter({ user: "ana", area: "users", type: "user.disabled", to: "2026-01-02" }, "UTC");
    expect(auditLogHref(values, 40)).toBe(
      "/admin/audit?user=ana&to=2026-01-02&area=users&type=user.disabled&before=40",
    );
    expect(auditLogHref({ ...values, user: "", to: "", areas: [], types: [] })).toBe("/admin/audit");
  });
});
