import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { auditEvents, emailLinks, organisations, sessions, trustedBrowsers, users } from "@/db/schema";
import {
  issuePasswordResetLink,
  openPasswordReset,
  PASSWORD_RESET_LIFETIME_MS,
  requestPasswordReset,
  resetAccountOfUser,
  resetPasswordWithLink,
  RESET_REQUESTS_PER_ACCOUNT,
  RESET_REQUESTS_PER_ADDRESS,
} from "@/lib/auth/password-reset";
import { verifyPassword } from "@/lib/auth/passwords";
import { createSession } from "@/lib/auth/sessions";
import { applyUserAccessChange, signOutUserEverywhere, type UserAccessChange } from "@/lib/admin/user-admin";
import { hashToken } from "@/lib/crypto";
import { createEmailLink } from "@/lib/email-links";
import { rememberBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";

// What would leave the building: every email, captured instead of sent.
const sent = vi.hoisted(() => [] as { to: string; subject: string; text: string }[]);
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; subject: string; text: string }) => {
    sent.push(message);
  },
}));
vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example${path}` }));

const context = { ip: "198.51.100.7", userAgent: "vitest" };
const NEW_PASSWORD = "a brand new passphrase for me";

function tokenFromEmail(to: string): string {
  const email = sent.filter((message) => message.to === to).at(-1);
  const match = email?.text.match(/https:\/\/twofold\.example\/login\/reset\/([A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error(`no reset link was sent to ${to}`);
  return match[1];
}

describe("password reset", () => {
  let db: Db;
  let user: Awaited<ReturnType<typeof insertUser>>;

  beforeEach(async () => {
    sent.length = 0;
    db = testDatabase();
    const organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    user = await insertUser(db, { organisationId, email: "ada@example.com", name: "Ada" });
  });

  async function requestFor(email: string, at = new Date(), ip = context.ip) {
    const outcome = await requestPasswordReset(db, { email, context: { ...context, ip } }, at);
    if (outcome.outcome === "accepted") await outcome.deliver();
    return outcome;
  }

  it("emails a link built from APP_URL whose token is stored only as its hash", async () => {
    await requestFor("  ADA@example.com ");
    const token = tokenFromEmail("ada@example.com");
    const rows = await db.select().from(emailLinks).where(eq(emailLinks.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.purpose).toBe("password_reset");
    expect(rows[0]!.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.expiresAt.getTime() - rows[0]!.createdAt.getTime()).toBe(PASSWORD_RESET_LIFETIME_MS);
  });

  it("answers an unknown address exactly like a known one, and sends it nothing", async () => {
    const unknown = await requestFor("nobody@example.com");
    const known = await requestFor("ada@example.com");
    expect(unknown.outcome).toBe("accepted");
    expect(known.outcome).toBe("accepted");
    expect(sent.map((message) => message.to)).toEqual(["ada@example.com"]);
  });

  it("tells SSO users and API accounts by email that their password is not managed here", async () => {
    const organisationId = user.organisationId;
    await insertUser(db, {
      organisationId,
      email: "sso@example.com",
      passwordHash: null,
      ssoIssuer: "https://idp.example",
      ssoSubject: "s1",
    });
    await insertUser(db, { organisationId, email: "robot@example.com", isApiAccount: true });
    await requestFor("sso@example.com");
    await requestFor("robot@example.com");
    expect(sent.find((message) => message.to === "sso@example.com")?.text).toMatch(/not managed by Twofold/);
    expect(sent.find((message) => message.to === "robot@example.com")?.text).toMatch(/API account/);
    expect(await db.select().from(emailLinks)).toHaveLength(0);
  });

  it("sends one typed email at most RESET_REQUESTS_PER_ACCOUNT links an hour, answering as usual", async () => {
    const at = new Date("2026-11-29T10:00:00Z");
    for (let i = 0; i < RESET_REQUESTS_PER_ACCOUNT + 3; i++) {
      // From many addresses: the limit is the mailbox's, not the requester's.
      const outcome = await requestFor("ada@example.com", new Date(at.getTime() + i * 1000), `203.0.113.${i + 1}`);
      expect(outcome.outcome).toBe("accepted");
    }
    expect(sent).toHaveLength(RESET_REQUESTS_PER_ACCOUNT);
    // An hour later, the mailbox may be sent a link again.
    await requestFor("ada@example.com", new Date(at.getTime() + 61 * 60 * 1000));
    expect(sent).toHaveLength(RESET_REQUESTS_PER_ACCOUNT + 1);
  });

  it("stops one address asking for many accounts", async () => {
    const at = new Date("2026-11-29T10:00:00Z");
    for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS; i++) {
      expect((await requestFor(`someone${i}@example.com`, at)).outcome).toBe("accepted");
    }
    const refused = await requestFor("ada@example.com", at);
    expect(refused.outcome).toBe("throttled");
    expect(sent).toHaveLength(0);
    // Another address is not held back by this one.
    expect((await requestFor("ada@example.com", at, "192.0.2.44")).outcome).toBe("accepted");
  });

  it("sets the password once, however many submissions of one link race (20 in parallel)", async () => {
    await requestFor("ada@example.com");
    const token = tokenFromEmail("ada@example.com");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        resetPasswordWithLink(db, { token, newPassword: `${NEW_PASSWORD} ${i}`, context }),
      ),
    );
    const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.reason === "unusable")).toBe(
      true,
    );
    const stored = (await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)))[0]!;
    expect(await verifyPassword(stored.passwordHash, `${NEW_PASSWORD} ${winners[0]}`)).toBe(true);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.type, "password_reset.completed"))).toHaveLength(1);
  });

  it("refuses a spent link, and one past its 30 minutes", async () => {
    const sentAt = new Date("2026-11-29T10:00:00Z");
    const account = (await resetAccountOfUser(db, user.organisationId, user.id))!;
    await issuePasswordResetLink(db, { account, context, now: sentAt });
    const token = tokenFromEmail("ada@example.com");
    const justBefore = new Date(sentAt.getTime() + PASSWORD_RESET_LIFETIME_MS - 1);
    const atExpiry = new Date(sentAt.getTime() + PASSWORD_RESET_LIFETIME_MS);
    expect((await openPasswordReset(db, token, justBefore)).state).toBe("live");
    expect(await openPasswordReset(db, token, atExpiry)).toEqual({ state: "unusable", expired: true });
    expect(await resetPasswordWithLink(db, { token, newPassword: NEW_PASSWORD, context }, atExpiry)).toEqual({
      ok: false,
      reason: "unusable",
    });

    await issuePasswordResetLink(db, { account, context, now: atExpiry });
    const fresh = tokenFromEmail("ada@example.com");
    expect((await resetPasswordWithLink(db, { token: fresh, newPassword: NEW_PASSWORD, context }, atExpiry)).ok).toBe(
      true,
    );
    expect(
      await resetPasswordWithLink(db, { token: fresh, newPassword: `${NEW_PASSWORD} again`, context }, atExpiry),
    ).toEqual({ ok: false, reason: "unusable" });
    expect(await openPasswordReset(db, fresh, atExpiry)).toEqual({ state: "unusable", expired: false });
  });

  it("a newer link replaces the earlier one", async () => {
    await requestFor("ada@example.com");
    const first = tokenFromEmail("ada@example.com");
    await requestFor("ada@example.com");
    expect((await openPasswordReset(db, first)).state).toBe("unusable");
    expect((await openPasswordReset(db, tokenFromEmail("ada@example.com"))).state).toBe("live");
  });

  it("ends every session and remembered browser of the account, and tells the owner", async () => {
    await createSession(db, { userId: user.id, stage: "active", context });
    await createSession(db, { userId: user.id, stage: "password", context });
    await rememberBrowser(db, { userId: user.id, context });
    await requestFor("ada@example.com");
    const result = await resetPasswordWithLink(db, {
      token: tokenFromEmail("ada@example.com"),
      newPassword: NEW_PASSWORD,
      context,
    });
    expect(result).toMatchObject({ ok: true, sessionsEnded: 2 });
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
    expect(await db.select().from(trustedBrowsers).where(eq(trustedBrowsers.userId, user.id))).toHaveLength(0);
    expect(sent.at(-1)).toMatchObject({ to: "ada@example.com", subject: "Acme: your password was changed" });
    // No passkeys, nothing said about them.
    expect(sent.at(-1)!.text).not.toContain("passkey");
  });

  it("lists the passkeys that still sign in without the password, and how to remove them (review L9)", async () => {
    for (const name of ["Work laptop", "Blue key"]) await insertPasskey(db, user.id, { name });
    await requestFor("ada@example.com");
    await resetPasswordWithLink(db, { token: tokenFromEmail("ada@example.com"), newPassword: NEW_PASSWORD, context });
    const email = sent.at(-1)!;
    expect(email.subject).toBe("Acme: your password was changed");
    expect(email.text).toContain(
      "These passkeys and security keys still sign in to your account, without the password: “Work laptop”, “Blue key”.",
    );
    expect(email.text).toContain("remove it under “Passkeys and security keys” on your profile");
    expect(email.text).toContain("https://twofold.example/profile");
  });

  it("refuses a weak password without spending the link", async () => {
    await requestFor("ada@example.com");
    const token = tokenFromEmail("ada@example.com");
    const weak = await resetPasswordWithLink(db, { token, newPassword: "password1234", context });
    expect(weak).toMatchObject({ ok: false, reason: "weak_password" });
    expect((await openPasswordReset(db, token)).state).toBe("live");
  });

  it("a link stops working when the account is disabled before it is used", async () => {
    await requestFor("ada@example.com");
    const token = tokenFromEmail("ada@example.com");
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect(await resetPasswordWithLink(db, { token, newPassword: NEW_PASSWORD, context })).toEqual({
      ok: false,
      reason: "unusable",
    });
  });

  it("a link sent before the password was changed another way (on the profile) no longer works", async () => {
    const sentAt = new Date("2026-11-29T10:00:00Z");
    const account = (await resetAccountOfUser(db, user.organisationId, user.id))!;
    await issuePasswordResetLink(db, { account, context, now: sentAt });
    const token = tokenFromEmail("ada@example.com");
    // What changePasswordAction writes: the owner (or whoever signed in) chose a new password ten minutes later.
    const changedAt = new Date(sentAt.getTime() + 10 * 60 * 1000);
    await db
      .update(users)
      .set({ passwordHash: "changed elsewhere", passwordChangedAt: changedAt })
      .where(eq(users.id, user.id));
    const later = new Date(changedAt.getTime() + 60 * 1000);
    expect(await openPasswordReset(db, token, later)).toEqual({ state: "unusable", expired: false });
    expect(await resetPasswordWithLink(db, { token, newPassword: NEW_PASSWORD, context }, later)).toEqual({
      ok: false,
      reason: "unusable",
    });
    // A link sent after the change works as usual.
    await issuePasswordResetLink(db, { account, context, now: later });
    expect((await openPasswordReset(db, tokenFromEmail("ada@example.com"), later)).state).toBe("live");
  });

  it("a link stays dead when a disabled account is enabled again", async () => {
    await requestFor("ada@example.com");
    const token = tokenFromEmail("ada@example.com");
    // What setAccountDisabledAction does, then its undo a few minutes later.
    await db.transaction(async (tx) => {
      await tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
      await signOutUserEverywhere(tx, user.id);
    });
    await db.update(users).set({ disabledAt: null }).where(eq(users.id, user.id));
    expect((await openPasswordReset(db, token)).state).toBe("unusable");
    expect(await resetPasswordWithLink(db, { token, newPassword: NEW_PASSWORD, context })).toEqual({
      ok: false,
      reason: "unusable",
    });
  });

  it("a link stays dead when an account made an API account is made a person again", async () => {
    await requestFor("ada@example.com");
    const token = tokenFromEmail("ada@example.com");
    const change: Omit<UserAccessChange, "isApiAccount"> = {
      roleIds: [],
      groupIds: [],
      requirement: "default",
      codeDelivery: "auto",
      removeTwoFactor: false,
    };
    await db.transaction(
      async (tx) => await applyUserAccessChange(tx, user.organisationId, user.id, { ...change, isApiAccount: true }),
    );
    await db.transaction(
      async (tx) => await applyUserAccessChange(tx, user.organisationId, user.id, { ...change, isApiAccount: false }),
    );
    expect((await openPasswordReset(db, token)).state).toBe("unusable");
  });

  it("a reset leaves a locked second factor locked", async () => {
    const lockedAt = new Date("2026-11-29T09:00:00Z");
    await db
      .update(users)
      .set({ secondFactorLockedAt: lockedAt, secondFactorConsecutiveFailures: 100 })
      .where(eq(users.id, user.id));
    await requestFor("ada@example.com");
    expect(
      (
        await resetPasswordWithLink(db, {
          token: tokenFromEmail("ada@example.com"),
          newPassword: NEW_PASSWORD,
          context,
        })
      ).ok,
    ).toBe(true);
    const after = (
      await db
        .select({ lockedAt: users.secondFactorLockedAt, failures: users.secondFactorConsecutiveFailures })
        .from(users)
        .where(eq(users.id, user.id))
    )[0];
    expect(after).toEqual({ lockedAt, failures: 100 });
  });

  it("a token of another purpose (invitation, setup link) opens nothing here", async () => {
    const other = await createEmailLink(db, {
      organisationId: user.organisationId,
      userId: user.id,
      purpose: "authenticator_setup",
      lifetimeMs: PASSWORD_RESET_LIFETIME_MS,
    });
    if (!other.ok) throw new Error("no link");
    expect(await openPasswordReset(db, other.token)).toEqual({ state: "unusable", expired: false });
    expect(await resetPasswordWithLink(db, { token: other.token, newPassword: NEW_PASSWORD, context })).toEqual({
      ok: false,
      reason: "unusable",
    });
  });

  it("limits how often an administrator can send a user reset links", async () => {
    const account = (await resetAccountOfUser(db, user.organisationId, user.id))!;
    const admin = { id: user.id, name: "Grace" };
    const at = new Date("2026-11-29T10:00:00Z");
    expect(await issuePasswordResetLink(db, { account, context, sentBy: admin, now: at })).toEqual({ ok: true });
    expect(
      await issuePasswordResetLink(db, { account, context, sentBy: admin, now: new Date(at.getTime() + 1000) }),
    ).toMatchObject({ ok: false, reason: "cooldown" });
    expect(sent.at(-1)?.text).toContain("Grace, an administrator of Acme");
  });

  it("a stranger flooding /login/forgot does not use up the administrator's sends", async () => {
    const at = new Date("2026-11-29T10:00:00Z");
    for (let i = 0; i < RESET_REQUESTS_PER_ACCOUNT + 2; i++)
      await requestFor("ada@example.com", new Date(at.getTime() + i * 1000), `203.0.113.${i + 1}`);
    const account = (await resetAccountOfUser(db, user.organisationId, user.id))!;
    expect(
      await issuePasswordResetLink(db, {
        account,
        context,
        sentBy: { id: user.id, name: "Grace" },
        now: new Date(at.getTime() + 60_000),
      }),
    ).toEqual({ ok: true });
  });
});
