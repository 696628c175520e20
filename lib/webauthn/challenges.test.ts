import { count } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webauthnChallenges } from "@/db/schema";
import { testDatabase, insertUser } from "@/test/db";
import { CHALLENGE_LIFETIME_MS, consumeChallenge, storeChallenge } from "@/lib/webauthn/challenges";

const now = new Date("2026-03-01T10:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

async function withChallenge() {
  const db = testDatabase();
  const user = await insertUser(db);
  await storeChallenge(db, {
    challenge: "abc",
    purpose: "second_factor",
    bindingHash: "session-a",
    userId: user.id,
    now,
  });
  return { db, user };
}

describe("WebAuthn challenges", () => {
  it("are accepted once, for the user they were issued to", async () => {
    const { db, user } = await withChallenge();
    const bound = { challenge: "abc", purpose: "second_factor", bindingHash: "session-a" } as const;
    expect(await consumeChallenge(db, { ...bound, now: later(1000) })).toEqual({ userId: user.id });
    // A replay of the same answer finds the challenge used.
    expect(await consumeChallenge(db, { ...bound, now: later(2000) })).toBeNull();
  });

  it("are refused to another binding (another session or browser)", async () => {
    const { db } = await withChallenge();
    const input = { challenge: "abc", purpose: "second_factor", bindingHash: "session-b", now } as const;
    expect(await consumeChallenge(db, input)).toBeNull();
    // The refusal did not use it up for its owner.
    expect(await consumeChallenge(db, { ...input, bindingHash: "session-a" })).not.toBeNull();
  });

  it("are refused for another purpose", async () => {
    const { db } = await withChallenge();
    expect(
      await consumeChallenge(db, { challenge: "abc", purpose: "confirm", bindingHash: "session-a", now }),
    ).toBeNull();
    expect(
      await consumeChallenge(db, { challenge: "abc", purpose: "passwordless", bindingHash: "session-a", now }),
    ).toBeNull();
  });

  it("are refused once expired", async () => {
    const { db } = await withChallenge();
    const input = { challenge: "abc", purpose: "second_factor", bindingHash: "session-a" } as const;
    expect(await consumeChallenge(db, { ...input, now: later(CHALLENGE_LIFETIME_MS) })).toBeNull();
  });

  it("are refused when the answer names a challenge never issued", async () => {
    const { db } = await withChallenge();
    expect(
      await consumeChallenge(db, { challenge: "abd", purpose: "second_factor", bindingHash: "session-a", now }),
    ).toBeNull();
  });

  it("keep one open challenge per binding and purpose, and purge expired ones", async () => {
    const { db, user } = await withChallenge();
    await storeChallenge(db, {
      challenge: "other",
      purpose: "confirm",
      bindingHash: "session-a",
      userId: user.id,
      now,
    });
    await storeChallenge(db, {
      challenge: "newer",
      purpose: "second_factor",
      bindingHash: "session-a",
      userId: user.id,
      now,
    });
    // The older second-factor challenge was dropped by the newer one; the confirm one stays.
    expect(
      await consumeChallenge(db, { challenge: "abc", purpose: "second_factor", bindingHash: "session-a", now }),
    ).toBeNull();
    expect(
      await consumeChallenge(db, { challenge: "other", purpose: "confirm", bindingHash: "session-a", now }),
    ).not.toBeNull();
    // Issuing after both expired leaves only the new one.
    await storeChallenge(db, {
      challenge: "late",
      purpose: "passwordless",
      bindingHash: "cookie-x",
      userId: null,
      now: later(CHALLENGE_LIFETIME_MS + 1),
    });
    expect((await db.select({ n: count() }).from(webauthnChallenges))[0]!.n).toBe(1);
  });
});
