import { describe, expect, it, vi } from "vitest";
import { recipientTimeZone } from "@/lib/messaging/recipient-time-zone";
import { newSignIn, recoveryRequestCreated } from "@/lib/messaging/security-emails";
import { insertUser, testDatabase } from "@/test/db";

vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example.com${path}` }));

const at = new Date("2026-11-28T23:05:00Z");
const context = { ip: "203.0.113.7", userAgent: null };

describe("times in security emails", () => {
  it("are in the recipient's zone when their browser told it: a Paris user reads CET", async () => {
    const db = testDatabase();
    const parisian = await insertUser(db, { timeZone: "Europe/Paris" });
    const timeZone = await recipientTimeZone(db, parisian.id);
    expect(timeZone).toBe("Europe/Paris");
    expect(newSignIn({ context, at, timeZone }).paragraphs[1]).toContain("Time: 29 Nov 2026, 00:05 CET.");
    expect(recoveryRequestCreated({ request: { createdAt: at }, timeZone }).paragraphs[0]).toContain(
      "On 29 Nov 2026, 00:05 CET,",
    );
  });

  it("are in UTC, named, when the zone is unknown or not a zone", async () => {
    const db = testDatabase();
    const unknown = await insertUser(db);
    const garbled = await insertUser(db, { timeZone: "Mars/Olympus_Mons" });
    for (const user of [unknown, garbled]) {
      const timeZone = await recipientTimeZone(db, user.id);
      expect(timeZone).toBe("UTC");
      expect(newSignIn({ context, at, timeZone }).paragraphs[1]).toContain("Time: 28 Nov 2026, 23:05 UTC.");
    }
    expect(await recipientTimeZone(db, 999_999)).toBe("UTC");
  });
});
