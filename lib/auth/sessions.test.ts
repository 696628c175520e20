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

  it("shortens a session demoted to setup to a setup session's lifetime, never lengthening one", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(demoteSessionToSetup(db, hashToken(token), "email_setup", now)).toBe(true);
    expect(db.select().from(sessions).get()).toMatchObject({
      stage: "email_setup",
      expiresAt: new Date(now.getTime() + EMAIL_SETUP_STAGE_LIFETIME_MS),
    });
    demoteSessionToSetup(db, hashToken(token), "email_setup", new Date(now.getTime() + DAY / 2));
    expect(db.select().from(sessions).get()!.expiresAt).toEqual(
      new Date(now.getTime() + EMAIL_SETUP_STAGE_LIFETIME_MS),
    );
  });

  it("demotes a session only while it is active, so of two racing requests only one sends it to setup", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(demoteSessionToSetup(db, hashToken(token), "email_setup", now)).toBe(true);
    expect(demoteSessionToSetup(db, hashToken(token), "setup", now)).toBe(false);
    expect(db.select().from(sessions).get()!.stage).toBe("email_setup");
    const half = createSession(db, { userId: user.id, stage: "password", context, now });
    expect(demoteSessionToSetup(db, hashToken(half.token), "setup", now)).toBe(false);
  });

  it("stores only the hash of a long random token, with an absolute expiry from the organisation", () => {
    db.update(organisations).set({ sessionDurationDays: 30 }).run();
    const { token, expiresAt } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(expiresAt).toEqual(new Date(now.getTime() + 30 * DAY));
    const row = db.select().from(sessions).get()!;
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row).toMatchObject({ stage: "active", ip: context.ip, userAgent: context.userAgent, createdAt: now });
  });

  it("signs out a session idle past the organisation's inactivity limit at its next request, and no sooner", () => {
    db.update(organisations).set({ sessionIdleMinutes: 60 }).run();
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    const minute = 60_000;
    // Used after 59 minutes: still signed in, and the clock of inactivity starts again.
    expect(loadSession(db, token, new Date(now.getTime() + 59 * minute))).not.toBeNull();
    expect(loadSession(db, token, new Date(now.getTime() + 118 * minute))).not.toBeNull();
    // Then an hour without a request: gone, and its row with it.
    expect(loadSession(db, token, new Date(now.getTime() + 178 * minute))).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it("applies a shortened inactivity limit to sessions already open", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(loadSession(db, token, new Date(now.getTime() + 2 * 60 * 60_000))).not.toBeNull();
    db.update(organisations).set({ sessionIdleMinutes: 15 }).run();
    expect(loadSession(db, token, new Date(now.getTime() + 2 * 60 * 60_000 + 15 * 60_000))).toBeNull();
  });

  it("counts a new full session as freshly authenticated for 15 minutes, and Confirm access renews it", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    const loaded = () => loadSession(db, token, at(16))!;
    expect(isRecentlyAuthenticated(loadSession(db, token, at(14))!, at(14))).toBe(true);
    expect(isRecentlyAuthenticated(loaded(), at(16))).toBe(false);
    markReauthenticated(db, hashToken(token), at(16));
    expect(isRecentlyAuthenticated(loaded(), at(30))).toBe(true);
    expect(isRecentlyAuthenticated(loaded(), at(31))).toBe(false);
  });

  it("never counts a half-signed-in session as authenticated", () => {
    const { token } = createSession(db, { userId: user.id, stage: "password", context, now });
    expect(
      db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, hashToken(token)))
        .get()!.authenticatedAt,
    ).toBeNull();
  });

  it("defaults to 90 days", () => {
    const { expiresAt } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(expiresAt).toEqual(new Date(now.getTime() + 90 * DAY));
  });

  it("gives a half-signed-in session ten minutes", () => {
    const { token, expiresAt } = createSession(db, { userId: user.id, stage: "password", context, now });
    expect(expiresAt).toEqual(new Date(now.getTime() + PASSWORD_STAGE_LIFETIME_MS));
    expect(loadSession(db, token, new Date(expiresAt.getTime() - 1))?.session.stage).toBe("password");
    expect(loadSession(db, token, expiresAt)).toBeNull();
  });

  it("loads the session with its user and organisation", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    const loaded = loadSession(db, token, now)!;
    expect(loaded.user).toMatchObject({ id: user.id, email: user.email, organisationId: user.organisationId });
    expect(loaded.organisation).toMatchObject({ id: user.organisationId, name: "Test Org", sessionDurationDays: 90 });
    expect(loaded.user).not.toHaveProperty("passwordHash");
  });

  it("refuses unknown and empty tokens", () => {
    createSession(db, { userId: user.id, stage: "active", context, now });
    expect(loadSession(db, "", now)).toBeNull();
    expect(loadSession(db, "made-up-token", now)).toBeNull();
  });

  it("refuses an expired session even though the token is right, and deletes it", () => {
    const { token, expiresAt } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(loadSession(db, token, expiresAt)).toBeNull();
    expect(db.select().from(sessions).all()).toHaveLength(0);
  });

  it("is never extended by use", () => {
    const { token, expiresAt } = createSession(db, { userId: user.id, stage: "active", context, now });
    loadSession(db, token, new Date(now.getTime() + 10 * DAY));
    expect(loadSession(db, token, expiresAt)).toBeNull();
  });

  it("records last-seen time at most once a minute", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(loadSession(db, token, new Date(now.getTime() + 30_000))!.session.lastSeenAt).toEqual(now);
    const later = new Date(now.getTime() + 61_000);
    expect(loadSession(db, token, later)!.session.lastSeenAt).toEqual(later);
    expect(db.select().from(sessions).get()!.lastSeenAt).toEqual(later);
  });

  it("ends sessions of users who are disabled or become API accounts", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    db.update(users).set({ disabledAt: now }).where(eq(users.id, user.id)).run();
    expect(loadSession(db, token, now)).toBeNull();
    db.update(users).set({ disabledAt: null, isApiAccount: true }).where(eq(users.id, user.id)).run();
    const second = createSession(db, { userId: user.id, stage: "active", context, now });
    expect(loadSession(db, second.token, now)).toBeNull();
  });

  it("signs out: deleting the row refuses the token on its next use", () => {
    const { token } = createSession(db, { userId: user.id, stage: "active", context, now });
    deleteSession(db, token);
    expect(loadSession(db, token, now)).toBeNull();
  });

  it("signs a user out everywhere, or everywhere but here", async () => {
    const other = await insertUser(db, { organisationId: user.organisationId });
    const here = createSession(db, { userId: user.id, stage: "active", context, now });
    const there = createSession(db, { userId: user.id, stage: "active", context, now });
    const theirs = createSession(db, { userId: other.id, stage: "active", context, now });
    expect(deleteSessionsOfUser(db, user.id, { exceptTokenHash: hashToken(here.token) })).toBe(1);
    expect(loadSession(db, here.token, now)).not.toBeNull();
    expect(loadSession(db, there.token, now)).toBeNull();
    expect(deleteSessionsOfUser(db, user.id)).toBe(1);
    expect(loadSession(db, theirs.token, now)).not.toBeNull();
  });

  it("lets a user end only their own sessions by hash", async () => {
    const other = await insertUser(db, { organisationId: user.organisationId });
    const theirs = createSession(db, { userId: other.id, stage: "active", context, now });
    expect(deleteSessionOfUser(db, user.id, hashToken(theirs.token))).toBe(false);
    expect(loadSession(db, theirs.token, now)).not.toBeNull();
    expect(deleteSessionOfUser(db, other.id, hashToken(theirs.token))).toBe(true);
  });

  it("signs out a whole organisation and no one else", async () => {
    const colleague = await insertUser(db, { organisationId: user.organisationId });
    const outsider = await insertUser(db);
    const mine = createSession(db, { userId: user.id, stage: "active", context, now });
    const colleagues = createSession(db, { userId: colleague.id, stage: "password", context, now });
    const outsiders = createSession(db, { userId: outsider.id, stage: "active", context, now });
    expect(deleteSessionsOfOrganisation(db, user.organisationId)).toBe(2);
    expect(loadSession(db, mine.token, now)).toBeNull();
    expect(loadSession(db, colleagues.token, now)).toBeNull();
    expect(loadSession(db, outsiders.token, now)).not.toBeNull();
  });

  it("lists a user's live sessions and sweeps expired ones", () => {
    createSession(db, { userId: user.id, stage: "active", context, now });
    createSession(db, { userId: user.id, stage: "password", context, now: new Date(now.getTime() - DAY) });
    expect(listSessionsOfUser(db, user.id, now)).toHaveLength(1);
    expect(deleteExpiredSessions(db, now)).toBe(1);
    expect(db.select().from(sessions).all()).toHaveLength(1);
  });
});
