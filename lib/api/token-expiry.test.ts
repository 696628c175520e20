import { describe, expect, it } from "vitest";
import { tokenExpiry } from "@/lib/api/token-expiry";

const now = new Date("2026-11-29T10:00:00Z");

describe("tokenExpiry", () => {
  it.each([
    ["never", undefined, "UTC", null],
    ["30", undefined, "UTC", "2026-12-29T10:00:00.000Z"],
    ["90", undefined, "UTC", "2027-02-27T10:00:00.000Z"],
    ["365", undefined, "UTC", "2027-11-29T10:00:00.000Z"],
    ["date", "2026-12-29", "UTC", "2026-12-29T23:59:59.999Z"],
    // The whole chosen day where the reader lives: Paris is UTC+1 in winter, New York UTC−5.
    ["date", "2026-12-29", "Europe/Paris", "2026-12-29T22:59:59.999Z"],
    ["date", "2026-12-29", "America/New_York", "2026-12-30T04:59:59.999Z"],
    // The day summer time starts in Paris (31 March 2027 is after it: UTC+2).
    ["date", "2027-03-28", "Europe/Paris", "2027-03-28T21:59:59.999Z"],
    ["date", "2026-11-29", "UTC", "2026-11-29T23:59:59.999Z"],
  ] as const)("%s %s in %s expires at %s", (choice, date, timeZone, expected) => {
    const result = tokenExpiry({ choice, date }, now, timeZone);
    expect(result).toEqual({ ok: true, expiresAt: expected === null ? null : new Date(expected) });
  });

  it.each([
    [undefined, "Choose the date the token stops working."],
    ["", "Choose the date the token stops working."],
    ["29/12/2026", "Enter the date as a day, month and year."],
    ["2026-02-30", "Enter the date as a day, month and year."],
    ["2026-11-28", "Choose a date after today."],
    ["2032-01-01", "Choose a date within the next five years."],
  ])("refuses the date %s: %s", (date, error) => {
    expect(tokenExpiry({ choice: "date", date }, now, "UTC")).toEqual({ ok: false, error });
  });
});
