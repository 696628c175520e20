import { describe, expect, it } from "vitest";
import { newSignInMessage } from "@/lib/auth/new-sign-in-alert";

describe("the New sign-in to Twofold email", () => {
  it("says which browser, system, address and time (labelled UTC), and links to the sessions", () => {
    const message = newSignInMessage({
      context: {
        ip: "203.0.113.7",
        userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      },
      at: new Date("2026-11-28T23:05:00Z"),
      sessionsUrl: "https://twofold.example.com/profile#sessions",
    });
    expect(message.subject).toBe("New sign-in to Twofold");
    const text = message.paragraphs.join("\n");
    expect(text).toContain("Browser: Chrome 131");
    expect(text).toContain("System: Windows 10");
    expect(text).toContain("Address: 203.0.113.7");
    expect(text).toContain("28 Nov 2026, 23:05 UTC");
    expect(text).toContain("https://twofold.example.com/profile#sessions");
  });

  it("copes with no user agent and no address", () => {
    const text = newSignInMessage({ context: { ip: null, userAgent: null }, at: new Date(0), sessionsUrl: "/" }).paragraphs.join("\n");
    expect(text).toContain("Browser: Unknown browser. System: Unknown system. Address: unknown.");
  });
});
