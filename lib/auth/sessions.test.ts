import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { organisations, sessions, users } from "@/db/schema";
import { hashToken } from "@/lib/crypto";
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionOfUser,
  deleteSessionsOfOrganisation,
  deleteSessionsOfUser,
  demoteSessionToSetup,
  EMAIL_SETUP_STAGE_LIFETIME_MS,
  listSessionsOfUser,
  loadSession,
  markReauthenticated,
  PASSWORD_STAGE_LIFETIME_MS,
} from "@/lib/auth/sessions";
import { isRecentlyAuthenticated } from "@/lib/auth/recent-authentication";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "192.0.2.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" };
const now = new Date("2026-03-01T09:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

describe("sessions", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;
  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db);
  });

  it("shortens a session demoted to setup to a setup session's lifetime, never lengthening one", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await demoteSessionToSetup(db, hashToken(token), "email_setup", now)).toBe(true);
    expect((await db.select().from(sessions))[0]).toMatchObject({
      stage: "email_setup",
      expiresAt: new Date(now.getTime() + EMAIL_SETUP_STAGE_LIFETIME_MS),
    });
    await demoteSessionToSetup(db, hashToken(token), "email_setup", new Date(now.getTime() + DAY / 2));
    expect((await db.select().from(sessions))[0]!.expiresAt).toEqual(
      new Date(now.getTime() + EMAIL_SETUP_STAGE_LIFETIME_MS),
    );
  });

  it("demotes a session only while it is active, so of two racing requests only one sends it to setup", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await demoteSessionToSetup(db, hashToken(token), "email_setup", now)).toBe(true);
    expect(await demoteSessionToSetup(db, hashToken(token), "setup", now)).toBe(false);
    expect((await db.select().from(sessions))[0]!.stage).toBe("email_setup");
    const half = await createSession(db, { userId: user.id, stage: "password", context, now });
    expect(await demoteSessionToSetup(db, hashToken(half.token), "setup", now)).toBe(false);
  });

  it("stores only the hash of a long random token, with an absolute expiry from the organisation", async () => {
    await db.update(organisations).set({ sessionDurationDays: 30 });
    const { token, expiresAt } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(expiresAt).toEqual(new Date(now.getTime() + 30 * DAY));
    const row = (await db.select().from(sessions))[0]!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ stage: "active", ip: context.ip, userAgent: context.userAgent, createdAt: now });
  });

  it("signs out a session idle past the organisation's inactivity limit at its next request, and no sooner", async () => {
    await db.update(organisations).set({ sessionIdleMinutes: 60 });
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    const minute = 60_000;
    // Used after 59 minutes: still signed in, and the clock of inactivity starts again.
    expect(await loadSession(db, token, new Date(now.getTime() + 59 * minute))).not.toBeNull();
    expect(await loadSession(db, token, new Date(now.getTime() + 118 * minute))).not.toBeNull();
    // Then an hour without a request: gone, and its row with it.
    expect(await loadSession(db, token, new Date(now.getTime() + 178 * minute))).toBeNull();
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("applies a shortened inactivity limit to sessions already open", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await loadSession(db, token, new Date(now.getTime() + 2 * 60 * 60_000))).not.toBeNull();
    await db.update(organisations).set({ sessionIdleMinutes: 15 });
    expect(await loadSession(db, token, new Date(now.getTime() + 2 * 60 * 60_000 + 15 * 60_000))).toBeNull();
  });

  it("counts a new full session as freshly authenticated for 15 minutes, and Confirm access renews it", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    const loaded = async () => (await loadSession(db, token, at(16)))!;
    expect(isRecentlyAuthenticated((await loadSession(db, token, at(14)))!, at(14))).toBe(true);
    expect(isRecentlyAuthenticated(await loaded(), at(16))).toBe(false);
    await markReauthenticated(db, hashToken(token), at(16));
    expect(isRecentlyAuthenticated(await loaded(), at(30))).toBe(true);
    expect(isRecentlyAuthenticated(await loaded(), at(31))).toBe(false);
  });

  it("never counts a half-signed-in session as authenticated", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "password", context, now });
    expect(
      (
        await db
          .select()
          .from(sessions)
          .where(eq(sessions.tokenHash, hashToken(token)))
      )[0]!.authenticatedAt,
    ).toBeNull();
  });

  it("defaults to 90 days", async () => {
    const { expiresAt } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(expiresAt).toEqual(new Date(now.getTime() + 90 * DAY));
  });

  it("gives a half-signed-in session ten minutes", async () => {
    const { token, expiresAt } = await createSession(db, { userId: user.id, stage: "password", context, now });
    expect(expiresAt).toEqual(new Date(now.getTime() + PASSWORD_STAGE_LIFETIME_MS));
    expect((await loadSession(db, token, new Date(expiresAt.getTime() - 1)))?.session.stage).toBe("password");
    expect(await loadSession(db, token, expiresAt)).toBeNull();
  });

  it("loads the session with its user and organisation", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    const loaded = (await loadSession(db, token, now))!;
    expect(loaded.user).toMatchObject({ id: user.id, email: user.email, organisationId: user.organisationId });
    expect(loaded.organisation).toMatchObject({ id: user.organisationId, name: "Test Org", sessionDurationDays: 90 });
    expect(loaded.user).not.toHaveProperty("passwordHash");
  });

  it("refuses unknown and empty tokens", async () => {
    await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await loadSession(db, "", now)).toBeNull();
    expect(await loadSession(db, "made-up-token", now)).toBeNull();
  });

  it("refuses an expired session even though the token is right, and deletes it", async () => {
    const { token, expiresAt } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await loadSession(db, token, expiresAt)).toBeNull();
    expect(await db.select().from(sessions)).toHaveLength(0);
  });

  it("is never extended by use", async () => {
    const { token, expiresAt } = await createSession(db, { userId: user.id, stage: "active", context, now });
    await loadSession(db, token, new Date(now.getTime() + 10 * DAY));
    expect(await loadSession(db, token, expiresAt)).toBeNull();
  });

  it("records last-seen time at most once a minute", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect((await loadSession(db, token, new Date(now.getTime() + 30_000)))!.session.lastSeenAt).toEqual(now);
    const later = new Date(now.getTime() + 61_000);
    expect((await loadSession(db, token, later))!.session.lastSeenAt).toEqual(later);
    expect((await db.select().from(sessions))[0]!.lastSeenAt).toEqual(later);
  });

  it("ends sessions of users who are disabled or become API accounts", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    await db.update(users).set({ disabledAt: now }).where(eq(users.id, user.id));
    expect(await loadSession(db, token, now)).toBeNull();
    await db.update(users).set({ disabledAt: null, isApiAccount: true }).where(eq(users.id, user.id));
    const second = await createSession(db, { userId: user.id, stage: "active", context, now });
    expect(await loadSession(db, second.token, now)).toBeNull();
  });

  it("signs out: deleting the row refuses the token on its next use", async () => {
    const { token } = await createSession(db, { userId: user.id, stage: "active", context, now });
    await deleteSession(db, token);
    expect(await loadSession(db, token, now)).toBeNull();
  });

  it("signs a user out everywhere, or everywhere but here", async () => {
    const other = await insertUser(db, { organisationId: user.organisationId });
    const here = await createSession(db, { userId: user.id, stage: "active", context, now });
    const there = await createSession(db, { userId: user.id, stage: "active", context, now });
    const theirs = await createSession(db, { userId: other.id, stage: "active", context, now });
    expect(await deleteSessionsOfUser(db, user.id, { exceptTokenHash: hashToken(here.token) })).toBe(1);
    expect(await loadSession(db, here.token, now)).not.toBeNull();
    expect(await loadSession(db, there.token, now)).toBeNull();
    expect(await deleteSessionsOfUser(db, user.id)).toBe(1);
    expect(await loadSession(db, theirs.token, now)).not.toBeNull();
  });

  it("lets a user end only their own sessions by hash", async () => {
    const other = await insertUser(db, { organisationId: user.organisationId });
    const theirs = await createSession(db, { userId: other.id, stage: "active", context, now });
    expect(await deleteSessionOfUser(db, user.id, hashToken(theirs.token))).toBe(false);
    expect(await loadSession(db, theirs.token, now)).not.toBeNull();
    expect(await deleteSessionOfUser(db, other.id, hashToken(theirs.token))).toBe(true);
  });

  it("signs out a whole organisation and no one else", async () => {
    const colleague = await insertUser(db, { organisationId: user.organisationId });
    const outsider = await insertUser(db);
    const mine = await createSession(db, { userId: user.id, stage: "active", context, now });
    const colleagues = await createSession(db, { userId: colleague.id, stage: "password", context, now });
    const outsiders = await createSession(db, { userId: outsider.id, stage: "active", context, now });
    expect(await deleteSessionsOfOrganisation(db, user.organisationId)).toBe(2);
    expect(await loadSession(db, mine.token, now)).toBeNull();
    expect(await loadSession(db, colleagues.token, now)).toBeNull();
    expect(await loadSession(db, outsiders.token, now)).not.toBeNull();
  });

  it("lists a user's live sessions and sweeps expired ones", async () => {
    await createSession(db, { userId: user.id, stage: "active", context, now });
    await createSession(db, { userId: user.id, stage: "password", context, now: new Date(now.getTime() - DAY) });
    expect(await listSessionsOfUser(db, user.id, now)).toHaveLength(1);
    expect(await deleteExpiredSessions(db, now)).toBe(1);
    expect(await db.select().from(sessions)).toHaveLength(1);
  });
});
