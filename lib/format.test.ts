import { describe, expect, it, vi } from "vitest";
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

describe("canonicalTimeZone's memo", () => {
  it("answers a spelling asked before without asking the runtime again", () => {
    expect(canonicalTimeZone("asia/tokyo")).toBe("Asia/Tokyo");
    // From here on, asking the runtime fails: only what was kept can answer.
    const spy = vi.spyOn(Intl, "DateTimeFormat").mockImplementation(() => {
      throw new Error("asked the runtime");
    });
    try {
      expect(canonicalTimeZone("asia/tokyo")).toBe("Asia/Tokyo");
      expect(canonicalTimeZone("Europe/Oslo")).toBeNull();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("forgets what it kept once a flood of made-up spellings fills it, so memory stays bounded", () => {
    expect(canonicalTimeZone("asia/tokyo")).toBe("Asia/Tokyo");
    for (let index = 0; index < 1_000; index++) canonicalTimeZone(`Flood/Zone_${index}`);
    const spy = vi.spyOn(Intl, "DateTimeFormat").mockImplementation(() => {
      throw new Error("asked the runtime");
    });
    try {
      // Asked again: the runtime (failing here), so the earlier answer was not kept.
      expect(canonicalTimeZone("asia/tokyo")).toBeNull();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("answers rightly after a flood of made-up spellings (the memo empties when full)", () => {
    for (let index = 0; index < 5_000; index++) expect(canonicalTimeZone(`Nowhere/Zone_${index}`)).toBeNull();
    expect(canonicalTimeZone("europe/paris")).toBe("Europe/Paris");
    expect(formatDateTime(new Date("2026-11-29T10:35:00Z"), "europe/paris")).toBe("29 Nov 2026, 11:35 CET");
  });
});
