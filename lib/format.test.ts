import { describe, expect, it } from "vitest";
import { canonicalTimeZone, formatDateTime } from "@/lib/format";

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

describe("canonicalTimeZone", () => {
  it("accepts IANA names and refuses anything else", () => {
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimeZone("")).toBeNull();
    expect(canonicalTimeZone("<script>")).toBeNull();
    expect(canonicalTimeZone(undefined)).toBeNull();
    expect(canonicalTimeZone("A".repeat(200))).toBeNull();
  });

  it("spells every capitalisation one way, so a flood of spellings is one zone", () => {
    expect(canonicalTimeZone("eUrOpE/pArIs")).toBe("Europe/Paris");
    expect(formatDateTime(new Date("2026-11-29T10:35:00Z"), "eUrOpE/pArIs")).toBe("29 Nov 2026, 11:35 CET");
  });
});
