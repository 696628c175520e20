import { describe, expect, it } from "vitest";
import { formatDateTime, isTimeZone } from "@/lib/format";

describe("formatDateTime", () => {
  const winter = new Date("2026-11-29T10:35:00Z");

  it("shows UTC, named, without a zone", () => {
    expect(formatDateTime(winter)).toBe("29 Nov 2026, 10:35 UTC");
  });

  it("shows the reader's zone, named", () => {
    expect(formatDateTime(winter, "Europe/Paris")).toBe("29 Nov 2026, 11:35 CET");
  });

  it("falls back to UTC for a zone the runtime does not know", () => {
    expect(formatDateTime(winter, "Mars/Olympus_Mons")).toBe("29 Nov 2026, 10:35 UTC");
  });
});

describe("isTimeZone", () => {
  it("accepts IANA names and refuses anything else", () => {
    expect(isTimeZone("America/New_York")).toBe(true);
    expect(isTimeZone("")).toBe(false);
    expect(isTimeZone("<script>")).toBe(false);
    expect(isTimeZone(undefined)).toBe(false);
    expect(isTimeZone("A".repeat(200))).toBe(false);
  });
});
