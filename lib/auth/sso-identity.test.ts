import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { auditEvents, groupMembers, groupRoles, groups, organisations, roles, userRoles, users } from "@/db/schema";
import { signInWithSso, type SsoClaims } from "@/lib/auth/sso-identity";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { insertUser, testDatabase } from "@/test/db";

const context = { ip: "198.51.100.7", userAgent: "test" };
const ISSUER = "https://idp.example.com";

describe("mapping an identity provider's user to an account", () => {
  let db: Db;
  let firstOrganisation: number;
  beforeEach(async () => {
    db = testDatabase();
    firstOrganisation = (await db.insert(organisations).values({ name: "First" }).returning())[0]!.id;
    await db.insert(organisations).values({ name: "Second" });
  });

  const claims = (overrides: Partial<SsoClaims> = {}): SsoClaims => ({
    issuer: ISSUER,
    subject: "subject-1",
    email: "grace@example.com",
    emailVerified: true,
    name: "Grace Hopper",
    ...overrides,
  });
  const userRow = async (id: number) => (await db.select().from(users).where(eq(users.id, id)))[0]!;
  const audit = async () =>
    await db
      .select({ type: auditEvents.type, details: auditEvents.details, targetUserId: auditEvents.targetUserId })
      .from(auditEvents);

  it("creates the account at the first sign-in, in the first organisation, without a password", async () => {
    const result = await signInWithSso(db, claims({ email: "  Grace@Example.COM " }), { context });
    expect(result).toMatchObject({ ok: true, created: true, user: { organisationId: firstOrganisation } });
    if (!result.ok) throw new Error("refused");
    const row = await userRow(result.user.id);
    expect(row).toMatchObject({
      email: "grace@example.com",
      name: "Grace Hopper",
      passwordHash: null,
      ssoIssuer: ISSUER,
      ssoSubject: "subject-1",
    });
    // Set when the session is created, with sign_in.completed (lib/auth/sign-in-completed.ts).
    expect(row.lastSignInAt).toBeNull();
    expect((await twoFactorStateOfUser(db, row.id)).requirement).toEqual({ level: "exempt", reason: "sso" });
    expect(await audit()).toEqual([
      { type: "sso_sign_in.succeeded", details: { issuer: ISSUER, created: true }, targetUserId: row.id },
    ]);
  });

  it("puts new users in the configured organisation", async () => {
    const second = (await db.select().from(organisations).where(eq(organisations.name, "Second")))[0]!.id;
    const result = await signInWithSso(db, claims(), { organisationId: second, context });
    expect(result).toMatchObject({ ok: true, user: { organisationId: second } });
  });

  it("refuses when the configured organisation does not exist", async () => {
    expect(await signInWithSso(db, claims(), { organisationId: 999, context })).toEqual({
      ok: false,
      reason: "no_organisation",
    });
    expect(await db.select().from(users)).toEqual([]);
  });

  it("finds the same account by issuer and subject and refreshes its name and email", async () => {
    const first = await signInWithSso(db, claims(), { context });
    const again = await signInWithSso(db, claims({ email: "grace.hopper@example.com", name: "Rear Admiral Hopper" }), {
      context,
    });
    expect(again).toEqual({ ok: true, created: false, user: first.ok ? first.user : null });
    expect(await db.select().from(users)).toHaveLength(1);
    expect(await userRow(first.ok ? first.user.id : 0)).toMatchObject({
      email: "grace.hopper@example.com",
      name: "Rear Admiral Hopper",
    });
  });

  it("never matches by email: the same email from another subject or another issuer is another person", async () => {
    await signInWithSso(db, claims(), { context });
    expect(await signInWithSso(db, claims({ subject: "subject-2" }), { context })).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await signInWithSso(db, claims({ issuer: "https://other-idp.example.com" }), { context })).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await db.select().from(users)).toHaveLength(1);
  });

  it("refuses a new identity whose email belongs to a local account, and leaves that account alone", async () => {
    const local = await insertUser(db, { email: "ada@example.com", organisationId: firstOrganisation });
    const before = await userRow(local.id);
    const result = await signInWithSso(db, claims({ email: "ADA@example.com" }), { context });
    expect(result).toEqual({ ok: false, reason: "email_taken" });
    expect(await userRow(local.id)).toEqual(before);
    expect(await db.select().from(users)).toHaveLength(1);
    expect(await audit()).toEqual([
      {
        type: "sign_in.refused",
        targetUserId: local.id,
        details: { reason: "sso_email_taken", issuer: ISSUER, subject: "subject-1", email: "ada@example.com" },
      },
    ]);
  });

  it("keeps an existing user's email when the new one belongs to another account", async () => {
    const first = await signInWithSso(db, claims(), { context });
    await insertUser(db, { email: "ada@example.com", organisationId: firstOrganisation });
    const again = await signInWithSso(db, claims({ email: "ada@example.com" }), { context });
    expect(again.ok).toBe(true);
    expect((await userRow(first.ok ? first.user.id : 0)).email).toBe("grace@example.com");
    expect((await audit()).at(-1)).toMatchObject({ type: "sso_sign_in.succeeded", details: { emailKept: true } });
  });

  it("refuses a first sign-in without a usable email, or with one the provider does not say is verified", async () => {
    expect(await signInWithSso(db, claims({ email: undefined }), { context })).toEqual({
      ok: false,
      reason: "email_missing",
    });
    expect(await signInWithSso(db, claims({ email: "not an email" }), { context })).toEqual({
      ok: false,
      reason: "email_missing",
    });
    expect(await signInWithSso(db, claims({ emailVerified: false }), { context })).toEqual({
      ok: false,
      reason: "email_unverified",
    });
    expect(await signInWithSso(db, claims({ emailVerified: undefined }), { context })).toEqual({
      ok: false,
      reason: "email_unverified",
    });
    expect(await db.select().from(users)).toEqual([]);
  });

  it("takes a changed email only when the provider says it is verified", async () => {
    const first = await signInWithSso(db, claims(), { context });
    const id = first.ok ? first.user.id : 0;
    const before = (await userRow(id)).email;
    await signInWithSso(db, claims({ email: "someone.else@example.com", emailVerified: undefined }), { context });
    expect((await userRow(id)).email).toBe(before);
    await signInWithSso(db, claims({ email: "moved@example.com", emailVerified: true }), { context });
    expect((await userRow(id)).email).toBe("moved@example.com");
  });

  it("refuses disabled users and API accounts, and records why", async () => {
    const first = await signInWithSso(db, claims(), { context });
    const id = first.ok ? first.user.id : 0;
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, id));
    expect(await signInWithSso(db, claims(), { context })).toEqual({ ok: false, reason: "disabled" });
    await db.update(users).set({ disabledAt: null, isApiAccount: true }).where(eq(users.id, id));
    expect(await signInWithSso(db, claims(), { context })).toEqual({ ok: false, reason: "api_account" });
    expect((await audit()).slice(1).map((event) => [event.type, event.details?.reason, event.targetUserId])).toEqual([
      ["sign_in.refused", "sso_disabled", id],
      ["sign_in.refused", "sso_api_account", id],
    ]);
  });

  it("uses the email as the name when the claim is missing, and strips control characters", async () => {
    const result = await signInWithSso(db, claims({ name: undefined }), { context });
    expect((await userRow(result.ok ? result.user.id : 0)).name).toBe("grace@example.com");
    const other = await signInWithSso(
      db,
      claims({ subject: "s3", email: "x@example.com", name: "Evil\u202eName\u0000" }),
      {
        context,
      },
    );
    expect((await userRow(other.ok ? other.user.id : 0)).name).toBe("EvilName");
  });

  it("tells password users from SSO users", async () => {
    const local = await insertUser(db, { organisationId: firstOrganisation });
    expect((await twoFactorStateOfUser(db, local.id)).requirement).not.toMatchObject({ reason: "sso" });
  });

  describe("OIDC_ALLOWED_DOMAINS", () => {
    const allowedDomains = ["example.com"];

    it("creates accounts only for listed domains, exactly: no subdomains, no look-alikes, never a row for the others", async () => {
      for (const email of [
        "ada@example.org",
        "ada@sales.example.com",
        "ada@example.com.evil.test",
        "ada@notexample.com",
      ]) {
        expect(await signInWithSso(db, claims({ subject: email, email }), { allowedDomains, context })).toEqual({
          ok: false,
          reason: "domain_not_allowed",
        });
      }
      expect(await db.select().from(users)).toEqual([]);
      expect((await audit()).map((event) => event.details?.reason)).toEqual(Array(4).fill("sso_domain_not_allowed"));
      expect((await audit())[0]).toEqual({
        type: "sign_in.refused",
        targetUserId: null,
        details: {
          reason: "sso_domain_not_allowed",
          issuer: ISSUER,
          subject: "ada@example.org",
          email: "ada@example.org",
        },
      });
      expect(await signInWithSso(db, claims({ email: "Ada@EXAMPLE.com" }), { allowedDomains, context })).toMatchObject({
        ok: true,
        created: true,
      });
    });

    it("does not reveal to an unlisted domain that an address has an account", async () => {
      await insertUser(db, { email: "ada@example.org", organisationId: firstOrganisation });
      expect(await signInWithSso(db, claims({ email: "ada@example.org" }), { allowedDomains, context })).toEqual({
        ok: false,
        reason: "domain_not_allowed",
      });
    });

    it("lets accounts already linked keep signing in, and keeps their address if the provider moves it outside the list", async () => {
      const first = await signInWithSso(db, claims({ email: "grace@example.org" }), { context });
      const id = first.ok ? first.user.id : 0;
      expect(
        await signInWithSso(db, claims({ email: "grace@example.org" }), { allowedDomains, context }),
      ).toMatchObject({
        ok: true,
        created: false,
      });
      await signInWithSso(db, claims({ email: "grace@elsewhere.test" }), { allowedDomains, context });
      expect((await userRow(id)).email).toBe("grace@example.org");
      await signInWithSso(db, claims({ email: "grace@example.com" }), { allowedDomains, context });
      expect((await userRow(id)).email).toBe("grace@example.com");
    });
  });

  describe("OIDC_REQUIRE_MFA_FOR_ADMINS", () => {
    const requireMfaForAdmins = true;
    let userId: number;
    beforeEach(async () => {
      const first = await signInWithSso(db, claims(), { context });
      userId = first.ok ? first.user.id : 0;
    });
    const grantRole = async (permissions: Array<"users:read" | "audit:read" | "settings:manage">) => {
      const role = (
        await db
          .insert(roles)
          .values({ organisationId: firstOrganisation, name: `r${Math.random()}`, permissions })
          .returning()
      )[0]!.id;
      await db.insert(userRoles).values({ userId, roleId: role });
      return role;
    };

    it("refuses an administrator whose token does not show multi-factor authentication, changing nothing, and records the amr", async () => {
      await grantRole(["audit:read"]);
      const before = await userRow(userId);
      for (const amr of [undefined, ["pwd"], ["otp", "sms"], "mfa"]) {
        expect(await signInWithSso(db, claims({ name: "Changed", amr }), { requireMfaForAdmins, context })).toEqual({
          ok: false,
          reason: "mfa_required",
        });
      }
      expect(await userRow(userId)).toEqual(before);
      expect(
        (await audit())
          .slice(1)
          .map((event) => [event.type, event.details?.reason, event.details?.amr, event.targetUserId]),
      ).toEqual([
        ["sign_in.refused", "sso_mfa_required", "(none)", userId],
        ["sign_in.refused", "sso_mfa_required", "pwd", userId],
        ["sign_in.refused", "sso_mfa_required", "otp sms", userId],
        ["sign_in.refused", "sso_mfa_required", "(none)", userId],
      ]);
    });

    it("lets an administrator in with mfa, or two kinds of factor", async () => {
      await grantRole(["settings:manage"]);
      expect(await signInWithSso(db, claims({ amr: ["mfa"] }), { requireMfaForAdmins, context })).toMatchObject({
        ok: true,
      });
      expect(await signInWithSso(db, claims({ amr: ["pwd", "hwk"] }), { requireMfaForAdmins, context })).toMatchObject({
        ok: true,
      });
    });

    it("counts permissions held through a group", async () => {
      const role = (
        await db
          .insert(roles)
          .values({ organisationId: firstOrganisation, name: "Readers", permissions: ["users:read"] })
          .returning()
      )[0]!.id;
      const group = (
        await db.insert(groups).values({ organisationId: firstOrganisation, name: "Helpdesk" }).returning()
      )[0]!.id;
      await db.insert(groupRoles).values({ groupId: group, roleId: role });
      await db.insert(groupMembers).values({ groupId: group, userId });
      expect(await signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toEqual({
        ok: false,
        reason: "mfa_required",
      });
    });

    it("leaves users without admin permissions alone, and does nothing when the option is off", async () => {
      expect(await signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toMatchObject({
        ok: true,
      });
      const roleWithoutPermissions = (
        await db.insert(roles).values({ organisationId: firstOrganisation, name: "Staff", permissions: [] }).returning()
      )[0]!.id;
      await db.insert(userRoles).values({ userId, roleId: roleWithoutPermissions });
      expect(await signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toMatchObject({
        ok: true,
      });
      await grantRole(["users:read"]);
      expect(await signInWithSso(db, claims({ amr: ["pwd"] }), { context })).toMatchObject({ ok: true });
    });
  });
});
