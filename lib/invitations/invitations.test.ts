import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { emailLinks, groupMembers, groups, organisations, PERMISSIONS, roles, userRoles, users } from "@/db/schema";
import { countFullAdministrators } from "@/lib/admin/delegated-change";
import { listUsers } from "@/lib/admin/user-directory";
import { signInWithPassword } from "@/lib/auth/password-sign-in";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import { hashToken } from "@/lib/crypto";
import {
  acceptInvitation,
  createInvitation,
  findPendingInvitation,
  INVITATION_LIFETIME_MS,
  issueInvitationLink,
  openInvitation,
  withdrawInvitation,
} from "@/lib/invitations/invitations";
import { setupLinkEligibility } from "@/lib/two-factor/authenticator-app/setup-link";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "198.51.100.7", userAgent: "vitest" };

describe("invitations", () => {
  let db: Db;
  let organisationId: number;
  let adminId: number;
  let adminRole: number;
  let strictRole: number;
  let ops: number;
  let passwordHash: string;
  beforeEach(async () => {
    db = testDatabase();
    organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    adminRole = (
      await db
        .insert(roles)
        .values({ organisationId, name: "Admin", permissions: [...PERMISSIONS] })
        .returning()
    )[0]!.id;
    strictRole = (
      await db.insert(roles).values({ organisationId, name: "Strict", requireTwoFactor: true }).returning()
    )[0]!.id;
    ops = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!.id;
    adminId = (await insertUser(db, { organisationId })).id;
    await db.insert(userRoles).values({ userId: adminId, roleId: adminRole });
    passwordHash ??= await hashPassword("a long enough passphrase");
  });

  const invite = async (email: string, extra: Partial<Parameters<typeof createInvitation>[1]> = {}) =>
    await createInvitation(db, {
      organisationId,
      invitedByUserId: adminId,
      email,
      roleIds: [strictRole],
      groupIds: [ops],
      ...extra,
    });

  async function invited(
    email = "New.Person@Example.com",
    extra: Partial<Parameters<typeof createInvitation>[1]> = {},
  ) {
    const result = await invite(email, extra);
    if (!result.ok) throw new Error(result.reason);
    return result;
  }

  it("creates the user without a password, with their roles and groups, and a 7-day link stored only as a hash", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const { userId, token, expiresAt } = await invited("New.Person@Example.com", { now });
    const user = (await db.select().from(users).where(eq(users.id, userId)))[0]!;
    expect(user).toMatchObject({
      organisationId,
      email: "new.person@example.com",
      name: "new.person",
      passwordHash: null,
    });
    expect((await db.select().from(userRoles).where(eq(userRoles.userId, userId))).map((row) => row.roleId)).toEqual([
      strictRole,
    ]);
    expect(
      (await db.select().from(groupMembers).where(eq(groupMembers.userId, userId))).map((row) => row.groupId),
    ).toEqual([ops]);

    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const [link] = await db.select().from(emailLinks).where(eq(emailLinks.userId, userId));
    expect(link).toMatchObject({
      purpose: "invitation",
      tokenHash: hashToken(token),
      createdByUserId: adminId,
      usedAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(link)).not.toContain(token);
    expect(expiresAt.getTime() - now.getTime()).toBe(INVITATION_LIFETIME_MS);
    expect(await openInvitation(db, token, now)).toMatchObject({
      userId,
      email: "new.person@example.com",
      organisationId,
      organisationName: "Acme",
    });
    expect(await findPendingInvitation(db, organisationId, userId, now)).toMatchObject({ expired: false, expiresAt });
  });

  it("refuses an address already in use, in any case and in any organisation, and creates nothing", async () => {
    const elsewhere = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    await insertUser(db, { organisationId: elsewhere, email: "taken@example.com" });
    const before = (await db.select().from(users)).length;
    expect(await invite("  TAKEN@example.com ")).toEqual({ ok: false, reason: "email_taken" });
    await invited("twice@example.com");
    expect(await invite("Twice@Example.com")).toEqual({ ok: false, reason: "email_taken" });
    expect(await db.select().from(users)).toHaveLength(before + 1);
  });

  it("two administrators inviting one address at the same moment: one invitation, the other told it is taken", async () => {
    const before = (await db.select().from(users)).length;
    // Both pass the early "in use?" check before either inserts; the unique index decides, and the loser gets an answer, not an error.
    const outcomes = await Promise.all([invite("race@example.com"), invite("RACE@example.com")]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok)).toEqual([{ ok: false, reason: "email_taken" }]);
    expect(await db.select().from(users)).toHaveLength(before + 1);
  });

  it("refuses roles and groups of another organisation, and creates nothing", async () => {
    const elsewhere = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    const foreignRole = (
      await db
        .insert(roles)
        .values({ organisationId: elsewhere, name: "Theirs", permissions: ["users:manage"] })
        .returning()
    )[0]!.id;
    const foreignGroup = (await db.insert(groups).values({ organisationId: elsewhere, name: "Theirs" }).returning())[0]!
      .id;
    expect(await invite("a@example.com", { roleIds: [strictRole, foreignRole] })).toEqual({
      ok: false,
      reason: "unknown_role_or_group",
    });
    expect(await invite("a@example.com", { groupIds: [foreignGroup] })).toEqual({
      ok: false,
      reason: "unknown_role_or_group",
    });
    expect(await invite("a@example.com", { roleIds: [999_999] })).toEqual({
      ok: false,
      reason: "unknown_role_or_group",
    });
    expect(await db.select().from(users).where(eq(users.email, "a@example.com"))).toHaveLength(0);
  });

  it("accepts a link once: name and password set, then the link is spent", async () => {
    const { userId, token } = await invited();
    const now = new Date();
    expect(await acceptInvitation(db, { token, name: "Nina New", passwordHash, now })).toMatchObject({
      userId,
      organisationId,
    });
    const user = (await db.select().from(users).where(eq(users.id, userId)))[0]!;
    expect(user.name).toBe("Nina New");
    expect(user.passwordChangedAt).toEqual(now);
    expect(await verifyPassword(user.passwordHash, "a long enough passphrase")).toBe(true);

    const otherHash = await hashPassword("somebody else's password");
    expect(await openInvitation(db, token)).toBeNull();
    expect(await acceptInvitation(db, { token, name: "Mallory", passwordHash: otherHash })).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, userId)))[0]).toMatchObject({
      name: "Nina New",
      passwordHash: user.passwordHash,
    });
    expect(await findPendingInvitation(db, organisationId, userId)).toBeNull();
  });

  it("refuses an expired link, and a link that was replaced by a newer one", async () => {
    const sent = new Date("2030-01-01T00:00:00Z");
    const { userId, token } = await invited("late@example.com", { now: sent });
    const justBefore = new Date(sent.getTime() + INVITATION_LIFETIME_MS - 1);
    const expired = new Date(sent.getTime() + INVITATION_LIFETIME_MS);
    expect(await openInvitation(db, token, justBefore)).not.toBeNull();
    expect(await openInvitation(db, token, expired)).toBeNull();
    expect(await acceptInvitation(db, { token, name: "Late", passwordHash, now: expired })).toBeNull();
    expect(await findPendingInvitation(db, organisationId, userId, expired)).toMatchObject({ expired: true });

    const renewed = await issueInvitationLink(db, { organisationId, userId, createdByUserId: adminId, now: expired });
    expect(await openInvitation(db, token, expired)).toBeNull();
    expect(await acceptInvitation(db, { token, name: "Late", passwordHash, now: expired })).toBeNull();
    expect(
      await acceptInvitation(db, { token: renewed.token, name: "Late", passwordHash, now: expired }),
    ).toMatchObject({
      userId,
      organisationId,
    });
  });

  it("refuses unknown and malformed tokens", async () => {
    await invited();
    expect(await openInvitation(db, "")).toBeNull();
    expect(await openInvitation(db, "x".repeat(43))).toBeNull();
    expect(await openInvitation(db, "x".repeat(5000))).toBeNull();
    expect(await acceptInvitation(db, { token: "x".repeat(43), name: "Nobody", passwordHash })).toBeNull();
  });

  it("withdrawing deletes the invited user and their link, but never someone who already accepted", async () => {
    const first = await invited("first@example.com");
    expect(await withdrawInvitation(db, organisationId, first.userId)).toEqual({ email: "first@example.com" });
    expect((await db.select().from(users).where(eq(users.id, first.userId)))[0]).toBeUndefined();
    expect(await openInvitation(db, first.token)).toBeNull();

    const second = await invited("second@example.com");
    await acceptInvitation(db, { token: second.token, name: "Second", passwordHash });
    expect(await withdrawInvitation(db, organisationId, second.userId)).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, second.userId)))[0]).toBeDefined();

    const elsewhere = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    const third = await invited("third@example.com");
    expect(await withdrawInvitation(db, elsewhere, third.userId)).toBeNull();
    expect(await openInvitation(db, third.token)).not.toBeNull();
  });

  it("is not offered a setup link until the invitation is accepted", async () => {
    const created = await invite("later@example.com");
    const { userId, token } = created.ok ? created : { userId: 0, token: "" };
    expect(await setupLinkEligibility(db, organisationId, userId)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("has not accepted"),
    });
    await acceptInvitation(db, { token, name: "Later", passwordHash });
    expect((await setupLinkEligibility(db, organisationId, userId)).ok).toBe(true);
  });

  it("a pending invitee cannot sign in with a password, shows as invited, and does not count as an administrator", async () => {
    const { userId } = await invited("boss@example.com", { roleIds: [adminRole], groupIds: [] });
    const attempt = await signInWithPassword(db, { email: "boss@example.com", password: "", context });
    expect(attempt).toEqual({ ok: false, reason: "invalid" });
    expect(
      (await signInWithPassword(db, { email: "boss@example.com", password: "anything at all here", context })).ok,
    ).toBe(false);
    expect(await countFullAdministrators(db, organisationId)).toBe(1);
    const row = (await listUsers(db, organisationId, { q: "boss", sort: "name", direction: "asc", page: 1 })).rows[0]!;
    expect(row).toMatchObject({ id: userId, invited: true });
    expect(
      (await listUsers(db, organisationId, { q: "", sort: "name", direction: "asc", page: 1 })).rows.find(
        (r) => r.id === adminId,
      ),
    ).toMatchObject({ invited: false });
  });
});
