import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { knownBrowsers } from "@/db/schema";
import { isKnownBrowser, KNOWN_BROWSER_LIFETIME_MS, recordKnownBrowser } from "@/lib/auth/known-browsers";
import { rememberBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "198.51.100.5", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" };
const start = new Date("2026-03-01T09:00:00Z");

describe("known browsers", () => {
  let db: Db;
  let alice: { id: number };
  let bob: { id: number };
  beforeEach(async () => {
    db = testDatabase();
    alice = await insertUser(db, { email: "alice@example.com" });
    bob = await insertUser(db, { email: "bob@example.com" });
  });

  it("the first browser of an account is new but has no others; a second one is new with others; the same one again is not new", async () => {
    const first = await recordKnownBrowser(db, { userId: alice.id, token: null, context, now: start });
    expect(first).toMatchObject({ isNew: true, accountHadOthers: false });
    const second = await recordKnownBrowser(db, { userId: alice.id, token: null, context, now: start });
    expect(second).toMatchObject({ isNew: true, accountHadOthers: true });
    expect(second.token).not.toBe(first.token);
    const again = await recordKnownBrowser(db, {
      userId: alice.id,
      token: first.token,
      context,
      now: new Date(start.getTime() + 5000),
    });
    expect(again).toEqual({ token: first.token, isNew: false, accountHadOthers: true });
    const rows = await db.select().from(knownBrowsers);
    expect(rows).toHaveLength(2);
    // Only the hash is stored, and the visit refreshed lastSeenAt.
    expect(rows.some((row) => row.tokenHash === first.token)).toBe(false);
    expect(rows.map((row) => row.lastSeenAt.getTime()).sort()).toEqual([start.getTime(), start.getTime() + 5000]);
  });

  it("a browser known to one account is not known to another, and keeps its one token for both", async () => {
    const { token } = await recordKnownBrowser(db, { userId: alice.id, token: null, context, now: start });
    expect(await isKnownBrowser(db, { userId: alice.id, deviceToken: token, trustedToken: null }, start)).toBe(true);
    expect(await isKnownBrowser(db, { userId: bob.id, deviceToken: token, trustedToken: null }, start)).toBe(false);
    const forBob = await recordKnownBrowser(db, { userId: bob.id, token, context, now: start });
    expect(forBob).toMatchObject({ token, isNew: true });
    expect(await isKnownBrowser(db, { userId: bob.id, deviceToken: token, trustedToken: null }, start)).toBe(true);
  });

  it("a remembered browser counts as known while its 90 days last", async () => {
    const remembered = await rememberBrowser(db, { userId: alice.id, context, now: start });
    expect(
      await isKnownBrowser(db, { userId: alice.id, deviceToken: null, trustedToken: remembered.token }, start),
    ).toBe(true);
    expect(await isKnownBrowser(db, { userId: bob.id, deviceToken: null, trustedToken: remembered.token }, start)).toBe(
      false,
    );
    expect(
      await isKnownBrowser(
        db,
        { userId: alice.id, deviceToken: null, trustedToken: remembered.token },
        remembered.expiresAt,
      ),
    ).toBe(false);
  });

  it("forgets a browser not seen for a year", async () => {
    const { token } = await recordKnownBrowser(db, { userId: alice.id, token: null, context, now: start });
    const later = new Date(start.getTime() + KNOWN_BROWSER_LIFETIME_MS + 1);
    expect(await isKnownBrowser(db, { userId: alice.id, deviceToken: token, trustedToken: null }, later)).toBe(false);
    expect(await recordKnownBrowser(db, { userId: alice.id, token, context, now: later })).toMatchObject({
      isNew: true,
      accountHadOthers: false,
    });
  });

  it("nothing is known without a token, whatever is stored", async () => {
    await recordKnownBrowser(db, { userId: alice.id, token: "", context, now: start });
    expect(await isKnownBrowser(db, { userId: alice.id, deviceToken: "", trustedToken: "" }, start)).toBe(false);
    expect(await isKnownBrowser(db, { userId: alice.id, deviceToken: null, trustedToken: undefined }, start)).toBe(
      false,
    );
  });
});
