import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { emailLinks } from "@/db/schema";
import { hashToken } from "@/lib/crypto";
import {
  consumeEmailLink,
  createEmailLink,
  findLiveEmailLink,
  liveEmailLinkOfSession,
  lookUpEmailLink,
  revokeEmailLinks,
  type EmailLinkSendLimits,
} from "@/lib/email-links";
import { insertUser, onPostgres, testDatabase } from "@/test/db";
import { transactionOnKeys } from "@/db/keyed-transaction";

const now = new Date("2026-06-01T12:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);
const HOUR = 60 * 60 * 1000;
const limits: EmailLinkSendLimits = { cooldownMs: 30_000, perWindow: 3, windowMs: HOUR };

describe("email links", () => {
  let db: Db;
  let user: { id: number; organisationId: number };
  const create = async (overrides: Partial<Parameters<typeof createEmailLink>[1]> = {}) => {
    const created = await createEmailLink(db, {
      organisationId: user.organisationId,
      userId: user.id,
      purpose: "authenticator_setup",
      lifetimeMs: 24 * HOUR,
      now,
      ...overrides,
    });
    if (!created.ok) throw new Error(created.reason);
    return created;
  };

  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
  });

  it.runIf(onPostgres)(
    "answers a send that waits past lock_timeout behind another for the same person as a cooldown, not a 500",
    async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const other = transactionOnKeys(db, [`email_link:authenticator_setup:${user.id}`], async () => {
        holding();
        await released;
      });
      await held;
      const waited = await createEmailLink(db, {
        organisationId: user.organisationId,
        userId: user.id,
        purpose: "authenticator_setup",
        lifetimeMs: HOUR,
        now,
      });
      release();
      await other;
      expect(waited).toMatchObject({ ok: false, reason: "cooldown" });
      expect(await db.select().from(emailLinks)).toEqual([]);
    },
  );

  it("stores only the token's hash and finds the link by the token, for its own purpose only", async () => {
    const { token, link } = await create();
    const row = (await db.select().from(emailLinks).where(eq(emailLinks.id, link.id)))[0]!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect((await findLiveEmailLink(db, "authenticator_setup", token, now))?.id).toBe(link.id);
    expect(await findLiveEmailLink(db, "invitation", token, now)).toBeNull();
    expect(await lookUpEmailLink(db, "authenticator_setup", `${token}x`, now)).toEqual({ state: "unknown" });
    expect(await lookUpEmailLink(db, "authenticator_setup", "", now)).toEqual({ state: "unknown" });
    expect(await lookUpEmailLink(db, "authenticator_setup", "a".repeat(500), now)).toEqual({ state: "unknown" });
  });

  it("is consumed once: the second use, even racing with a stale read, is refused", async () => {
    const { token, link } = await create();
    const read = (await findLiveEmailLink(db, "authenticator_setup", token, now))!;
    expect(await consumeEmailLink(db, read.id, later(1000))).toBe(true);
    expect(await consumeEmailLink(db, read.id, later(2000))).toBe(false);
    expect(await lookUpEmailLink(db, "authenticator_setup", token, later(3000))).toMatchObject({
      state: "used",
      link: { id: link.id },
    });
    expect(await findLiveEmailLink(db, "authenticator_setup", token, later(3000))).toBeNull();
  });

  it("expires after its lifetime and cannot be consumed then", async () => {
    const { token, link } = await create({ lifetimeMs: HOUR });
    expect((await lookUpEmailLink(db, "authenticator_setup", token, later(HOUR - 1))).state).toBe("live");
    expect((await lookUpEmailLink(db, "authenticator_setup", token, later(HOUR))).state).toBe("expired");
    expect(await consumeEmailLink(db, link.id, later(HOUR))).toBe(false);
  });

  it("revokes earlier unused links when asked, and a revoked link cannot be consumed", async () => {
    const first = await create();
    const used = await create({ now: later(1) });
    await consumeEmailLink(db, used.link.id, later(2));
    const second = await create({ revokeEarlier: true, now: later(3) });
    expect((await lookUpEmailLink(db, "authenticator_setup", first.token, later(4))).state).toBe("revoked");
    // A used link stays used: revoking does not rewrite history.
    expect((await lookUpEmailLink(db, "authenticator_setup", used.token, later(4))).state).toBe("used");
    expect((await lookUpEmailLink(db, "authenticator_setup", second.token, later(4))).state).toBe("live");
    expect(await consumeEmailLink(db, first.link.id, later(5))).toBe(false);
  });

  it("revokes only the purpose (and session) asked for", async () => {
    const setup = await create();
    const invitation = await create({ purpose: "invitation" });
    const sessionA = await create({ purpose: "sign_in_setup", sessionTokenHash: "session-a" });
    const sessionB = await create({ purpose: "sign_in_setup", sessionTokenHash: "session-b" });
    expect(
      await revokeEmailLinks(db, { userId: user.id, purpose: "sign_in_setup", sessionTokenHash: "session-a" }, now),
    ).toBe(1);
    expect((await lookUpEmailLink(db, "sign_in_setup", sessionA.token, now)).state).toBe("revoked");
    expect((await lookUpEmailLink(db, "sign_in_setup", sessionB.token, now)).state).toBe("live");
    expect((await lookUpEmailLink(db, "authenticator_setup", setup.token, now)).state).toBe("live");
    expect((await lookUpEmailLink(db, "invitation", invitation.token, now)).state).toBe("live");
    expect(
      (
        await liveEmailLinkOfSession(
          db,
          { userId: user.id, purpose: "sign_in_setup", sessionTokenHash: "session-b" },
          now,
        )
      )?.id,
    ).toBe(sessionB.link.id);
    expect(
      await liveEmailLinkOfSession(
        db,
        { userId: user.id, purpose: "sign_in_setup", sessionTokenHash: "session-a" },
        now,
      ),
    ).toBeNull();
  });

  it("applies a cooldown and a cap per window to sends, counting used and revoked links too", async () => {
    const send = async (at: Date) =>
      await createEmailLink(db, {
        organisationId: user.organisationId,
        userId: user.id,
        purpose: "sign_in_setup",
        lifetimeMs: HOUR,
        revokeEarlier: true,
        limits,
        now: at,
      });
    expect((await send(now)).ok).toBe(true);
    expect(await send(later(10_000))).toEqual({ ok: false, reason: "cooldown", retryAt: later(30_000) });
    expect((await send(later(30_000))).ok).toBe(true);
    expect((await send(later(60_000))).ok).toBe(true);
    // Three sends within the hour: the fourth waits until the first leaves the window.
    expect(await send(later(120_000))).toEqual({ ok: false, reason: "too_many", retryAt: later(HOUR) });
    expect((await send(later(HOUR + 1))).ok).toBe(true);
    // Another purpose has its own count.
    expect((await create({ now: later(HOUR + 2) })).ok).toBe(true);
  });
});
