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
  beforeEach(() => {
    db = testDatabase();
    firstOrganisation = db.insert(organisations).values({ name: "First" }).returning().get().id;
    db.insert(organisations).values({ name: "Second" }).run();
  });

  const claims = (overrides: Partial<SsoClaims> = {}): SsoClaims => ({
    issuer: ISSUER,
    subject: "subject-1",
    email: "grace@example.com",
    emailVerified: true,
    name: "Grace Hopper",
    ...overrides,
  });
  const userRow = (id: number) => db.select().from(users).where(eq(users.id, id)).get()!;
  const audit = () =>
    db
      .select({ type: auditEvents.type, details: auditEvents.details, targetUserId: auditEvents.targetUserId })
      .from(auditEvents)
      .all();

  it("creates the account at the first sign-in, in the first organisation, without a password", () => {
    const result = signInWithSso(db, claims({ email: "  Grace@Example.COM " }), { context });
    expect(result).toMatchObject({ ok: true, created: true, user: { organisationId: firstOrganisation } });
    if (!result.ok) throw new Error("refused");
    const row = userRow(result.user.id);
    expect(row).toMatchObject({
      email: "grace@example.com",
      name: "Grace Hopper",
      passwordHash: null,
      ssoIssuer: ISSUER,
      ssoSubject: "subject-1",
    });
    // Set when the session is created, with sign_in.completed (lib/auth/sign-in-completed.ts).
    expect(row.lastSignInAt).toBeNull();
    expect(twoFactorStateOfUser(db, row.id).requirement).toEqual({ level: "exempt", reason: "sso" });
    expect(audit()).toEqual([
      { type: "sso_sign_in.succeeded", details: { issuer: ISSUER, created: true }, targetUserId: row.id },
    ]);
  });

  it("puts new users in the configured organisation", () => {
    const second = db.select().from(organisations).where(eq(organisations.name, "Second")).get()!.id;
    const result = signInWithSso(db, claims(), { organisationId: second, context });
    expect(result).toMatchObject({ ok: true, user: { organisationId: second } });
  });

  it("refuses when the configured organisation does not exist", () => {
    expect(signInWithSso(db, claims(), { organisationId: 999, context })).toEqual({
      ok: false,
      reason: "no_organisation",
    });
    expect(db.select().from(users).all()).toEqual([]);
  });

  it("finds the same account by issuer and subject and refreshes its name and email", () => {
    const first = signInWithSso(db, claims(), { context });
    const again = signInWithSso(db, claims({ email: "grace.hopper@example.com", name: "Rear Admiral Hopper" }), {
      context,
    });
    expect(again).toEqual({ ok: true, created: false, user: first.ok ? first.user : null });
    expect(db.select().from(users).all()).toHaveLength(1);
    expect(userRow(first.ok ? first.user.id : 0)).toMatchObject({
      email: "grace.hopper@example.com",
      name: "Rear Admiral Hopper",
    });
  });

  it("never matches by email: the same email from another subject or another issuer is another person", async () => {
    signInWithSso(db, claims(), { context });
    expect(signInWithSso(db, claims({ subject: "subject-2" }), { context })).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(signInWithSso(db, claims({ issuer: "https://other-idp.example.com" }), { context })).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(db.select().from(users).all()).toHaveLength(1);
  });

  it("refuses a new identity whose email belongs to a local account, and leaves that account alone", async () => {
    const local = await insertUser(db, { email: "ada@example.com", organisationId: firstOrganisation });
    const before = userRow(local.id);
    const result = signInWithSso(db, claims({ email: "ADA@example.com" }), { context });
    expect(result).toEqual({ ok: false, reason: "email_taken" });
    expect(userRow(local.id)).toEqual(before);
    expect(db.select().from(users).all()).toHaveLength(1);
    expect(audit()).toEqual([
      {
        type: "sign_in.refused",
        targetUserId: local.id,
        details: { reason: "sso_email_taken", issuer: ISSUER, subject: "subject-1", email: "ada@example.com" },
      },
    ]);
  });

  it("keeps an existing user's email when the new one belongs to another account", async () => {
    const first = signInWithSso(db, claims(), { context });
    await insertUser(db, { email: "ada@example.com", organisationId: firstOrganisation });
    const again = signInWithSso(db, claims({ email: "ada@example.com" }), { context });
    expect(again.ok).toBe(true);
    expect(userRow(first.ok ? first.user.id : 0).email).toBe("grace@example.com");
    expect(audit().at(-1)).toMatchObject({ type: "sso_sign_in.succeeded", details: { emailKept: true } });
  });

  it("refuses a first sign-in without a usable email, or with one the provider does not say is verified", () => {
    expect(signInWithSso(db, claims({ email: undefined }), { context })).toEqual({
      ok: false,
      reason: "email_missing",
    });
    expect(signInWithSso(db, claims({ email: "not an email" }), { context })).toEqual({
      ok: false,
      reason: "email_missing",
    });
    expect(signInWithSso(db, claims({ emailVerified: false }), { context })).toEqual({
      ok: false,
      reason: "email_unverified",
    });
    expect(signInWithSso(db, claims({ emailVerified: undefined }), { context })).toEqual({
      ok: false,
      reason: "email_unverified",
    });
    expect(db.select().from(users).all()).toEqual([]);
  });

  it("takes a changed email only when the provider says it is verified", () => {
    const first = signInWithSso(db, claims(), { context });
    const id = first.ok ? first.user.id : 0;
    const before = userRow(id).email;
    signInWithSso(db, claims({ email: "someone.else@example.com", emailVerified: undefined }), { context });
    expect(userRow(id).email).toBe(before);
    signInWithSso(db, claims({ email: "moved@example.com", emailVerified: true }), { context });
    expect(userRow(id).email).toBe("moved@example.com");
  });

  it("refuses disabled users and API accounts, and records why", () => {
    const first = signInWithSso(db, claims(), { context });
    const id = first.ok ? first.user.id : 0;
    db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, id)).run();
    expect(signInWithSso(db, claims(), { context })).toEqual({ ok: false, reason: "disabled" });
    db.update(users).set({ disabledAt: null, isApiAccount: true }).where(eq(users.id, id)).run();
    expect(signInWithSso(db, claims(), { context })).toEqual({ ok: false, reason: "api_account" });
    expect(
      audit()
        .slice(1)
        .map((event) => [event.type, event.details?.reason, event.targetUserId]),
    ).toEqual([
      ["sign_in.refused", "sso_disabled", id],
      ["sign_in.refused", "sso_api_account", id],
    ]);
  });

  it("uses the email as the name when the claim is missing, and strips control characters", () => {
    const result = signInWithSso(db, claims({ name: undefined }), { context });
    expect(userRow(result.ok ? result.user.id : 0).name).toBe("grace@example.com");
    const other = signInWithSso(db, claims({ subject: "s3", email: "x@example.com", name: "Evil\u202eName\u0000" }), {
      context,
    });
    expect(userRow(other.ok ? other.user.id : 0).name).toBe("EvilName");
  });

  it("tells password users from SSO users", async () => {
    const local = await insertUser(db, { organisationId: firstOrganisation });
    expect(twoFactorStateOfUser(db, local.id).requirement).not.toMatchObject({ reason: "sso" });
  });

  describe("OIDC_ALLOWED_DOMAINS", () => {
    const allowedDomains = ["example.com"];

    it("creates accounts only for listed domains, exactly: no subdomains, no look-alikes, never a row for the others", () => {
      for (const email of [
        "ada@example.org",
        "ada@sales.example.com",
        "ada@example.com.evil.test",
        "ada@notexample.com",
      ]) {
        expect(signInWithSso(db, claims({ subject: email, email }), { allowedDomains, context })).toEqual({
          ok: false,
          reason: "domain_not_allowed",
        });
      }
      expect(db.select().from(users).all()).toEqual([]);
      expect(audit().map((event) => event.details?.reason)).toEqual(Array(4).fill("sso_domain_not_allowed"));
      expect(audit()[0]).toEqual({
        type: "sign_in.refused",
        targetUserId: null,
        details: {
          reason: "sso_domain_not_allowed",
          issuer: ISSUER,
          subject: "ada@example.org",
          email: "ada@example.org",
        },
      });
      expect(signInWithSso(db, claims({ email: "Ada@EXAMPLE.com" }), { allowedDomains, context })).toMatchObject({
        ok: true,
        created: true,
      });
    });

    it("does not reveal to an unlisted domain that an address has an account", async () => {
      await insertUser(db, { email: "ada@example.org", organisationId: firstOrganisation });
      expect(signInWithSso(db, claims({ email: "ada@example.org" }), { allowedDomains, context })).toEqual({
        ok: false,
        reason: "domain_not_allowed",
      });
    });

    it("lets accounts already linked keep signing in, and keeps their address if the provider moves it outside the list", () => {
      const first = signInWithSso(db, claims({ email: "grace@example.org" }), { context });
      const id = first.ok ? first.user.id : 0;
      expect(signInWithSso(db, claims({ email: "grace@example.org" }), { allowedDomains, context })).toMatchObject({
        ok: true,
        created: false,
      });
      signInWithSso(db, claims({ email: "grace@elsewhere.test" }), { allowedDomains, context });
      expect(userRow(id).email).toBe("grace@example.org");
      signInWithSso(db, claims({ email: "grace@example.com" }), { allowedDomains, context });
      expect(userRow(id).email).toBe("grace@example.com");
    });
  });

  describe("OIDC_REQUIRE_MFA_FOR_ADMINS", () => {
    const requireMfaForAdmins = true;
    let userId: number;
    beforeEach(() => {
      const first = signInWithSso(db, claims(), { context });
      userId = first.ok ? first.user.id : 0;
    });
    const grantRole = (permissions: Array<"users:read" | "audit:read" | "settings:manage">) => {
      const role = db
        .insert(roles)
        .values({ organisationId: firstOrganisation, name: `r${Math.random()}`, permissions })
        .returning()
        .get().id;
      db.insert(userRoles).values({ userId, roleId: role }).run();
      return role;
    };

    it("refuses an administrator whose token does not show multi-factor authentication, changing nothing, and records the amr", () => {
      grantRole(["audit:read"]);
      const before = userRow(userId);
      for (const amr of [undefined, ["pwd"], ["otp", "sms"], "mfa"]) {
        expect(signInWithSso(db, claims({ name: "Changed", amr }), { requireMfaForAdmins, context })).toEqual({
          ok: false,
          reason: "mfa_required",
        });
      }
      expect(userRow(userId)).toEqual(before);
      expect(
        audit()
          .slice(1)
          .map((event) => [event.type, event.details?.reason, event.details?.amr, event.targetUserId]),
      ).toEqual([
        ["sign_in.refused", "sso_mfa_required", "(none)", userId],
        ["sign_in.refused", "sso_mfa_required", "pwd", userId],
        ["sign_in.refused", "sso_mfa_required", "otp sms", userId],
        ["sign_in.refused", "sso_mfa_required", "(none)", userId],
      ]);
    });

    it("lets an administrator in with mfa, or two kinds of factor", () => {
      grantRole(["settings:manage"]);
      expect(signInWithSso(db, claims({ amr: ["mfa"] }), { requireMfaForAdmins, context })).toMatchObject({ ok: true });
      expect(signInWithSso(db, claims({ amr: ["pwd", "hwk"] }), { requireMfaForAdmins, context })).toMatchObject({
        ok: true,
      });
    });

    it("counts permissions held through a group", () => {
      const role = db
        .insert(roles)
        .values({ organisationId: firstOrganisation, name: "Readers", permissions: ["users:read"] })
        .returning()
        .get().id;
      const group = db
        .insert(groups)
        .values({ organisationId: firstOrganisation, name: "Helpdesk" })
        .returning()
        .get().id;
      db.insert(groupRoles).values({ groupId: group, roleId: role }).run();
      db.insert(groupMembers).values({ groupId: group, userId }).run();
      expect(signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toEqual({
        ok: false,
        reason: "mfa_required",
      });
    });

    it("leaves users without admin permissions alone, and does nothing when the option is off", () => {
      expect(signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toMatchObject({ ok: true });
      const roleWithoutPermissions = db
        .insert(roles)
        .values({ organisationId: firstOrganisation, name: "Staff", permissions: [] })
        .returning()
        .get().id;
      db.insert(userRoles).values({ userId, roleId: roleWithoutPermissions }).run();
      expect(signInWithSso(db, claims({ amr: ["pwd"] }), { requireMfaForAdmins, context })).toMatchObject({ ok: true });
      grantRole(["users:read"]);
      expect(signInWithSso(db, claims({ amr: ["pwd"] }), { context })).toMatchObject({ ok: true });
    });
  });
});
