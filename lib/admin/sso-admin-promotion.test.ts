import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import {
  auditEvents,
  groupMembers,
  groupRoles,
  groups,
  organisations,
  PERMISSIONS,
  roles,
  sessions,
  userRoles,
  users,
} from "@/db/schema";
import { delegatedChange } from "@/lib/admin/delegated-change";
import { createSession } from "@/lib/auth/sessions";
import { insertUser, testDatabase } from "@/test/db";

/*
 * OIDC_REQUIRE_MFA_FOR_ADMINS is checked when an SSO user signs in. An
 * attacker who signed in as a non-administrator with a password alone at the
 * identity provider (a phished password: the rule let them in, they held no
 * admin permission) keeps that session when the person is later made an
 * administrator. The session must end then, so the next sign-in meets the rule.
 */
describe("an SSO user given their first admin permission", () => {
  let db: Db;
  let organisationId: number;
  let administrator: number;
  let adminRole: number;
  let emptyRole: number;

  const sessionsOf = (userId: number) => db.select().from(sessions).where(eq(sessions.userId, userId)).all().length;
  const ssoUser = async () => {
    const user = await insertUser(db, { organisationId });
    db.update(users)
      .set({ passwordHash: null, ssoIssuer: "https://idp.example", ssoSubject: `sub-${user.id}` })
      .where(eq(users.id, user.id))
      .run();
    createSession(db, { userId: user.id, stage: "active", context: { ip: null, userAgent: null } });
    return user.id;
  };
  const grant = (userId: number, roleId: number) =>
    delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [userId] },
      change: (tx) => tx.insert(userRoles).values({ userId, roleId }).run(),
    });

  beforeEach(async () => {
    db = testDatabase();
    organisationId = db.insert(organisations).values({ name: "Acme" }).returning().get().id;
    adminRole = db
      .insert(roles)
      .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
      .returning()
      .get().id;
    emptyRole = db.insert(roles).values({ organisationId, name: "Staff", permissions: [] }).returning().get().id;
    administrator = (await insertUser(db, { organisationId })).id;
    db.insert(userRoles).values({ userId: administrator, roleId: adminRole }).run();
    createSession(db, { userId: administrator, stage: "active", context: { ip: null, userAgent: null } });
  });
  afterEach(() => vi.unstubAllEnvs());

  it("is signed out everywhere when OIDC_REQUIRE_MFA_FOR_ADMINS is on, and the audit log says why", async () => {
    vi.stubEnv("OIDC_REQUIRE_MFA_FOR_ADMINS", "1");
    const promoted = await ssoUser();
    expect(grant(promoted, adminRole)).toMatchObject({ ok: true });
    expect(sessionsOf(promoted)).toBe(0);
    expect(sessionsOf(administrator)).toBe(1);
    const event = db.select().from(auditEvents).where(eq(auditEvents.targetUserId, promoted)).get();
    expect(event).toMatchObject({
      type: "user_sessions.revoked",
      actorUserId: administrator,
      details: { reason: "sso_admin_needs_mfa" },
    });
  });

  it("through a group, or a role that gains a permission, too", async () => {
    vi.stubEnv("OIDC_REQUIRE_MFA_FOR_ADMINS", "1");
    const member = await ssoUser();
    const holder = await ssoUser();
    const groupId = db.insert(groups).values({ organisationId, name: "Ops" }).returning().get().id;
    db.insert(groupRoles).values({ groupId, roleId: adminRole }).run();
    const joined = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [member] },
      change: (tx) => tx.insert(groupMembers).values({ groupId, userId: member }).run(),
    });
    expect(joined).toMatchObject({ ok: true });
    expect(sessionsOf(member)).toBe(0);
    db.insert(userRoles).values({ userId: holder, roleId: emptyRole }).run();
    const edited = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { roleId: emptyRole },
      edited: { roleId: emptyRole },
      change: (tx) =>
        tx
          .update(roles)
          .set({ permissions: ["users:read"] })
          .where(eq(roles.id, emptyRole))
          .run(),
    });
    expect(edited).toMatchObject({ ok: true });
    expect(sessionsOf(holder)).toBe(0);
  });

  it("keeps their sessions when the rule is off, or when they were already an administrator, or for a password user", async () => {
    const promoted = await ssoUser();
    expect(grant(promoted, adminRole)).toMatchObject({ ok: true });
    expect(sessionsOf(promoted)).toBe(1);
    vi.stubEnv("OIDC_REQUIRE_MFA_FOR_ADMINS", "1");
    const again = await ssoUser();
    db.insert(userRoles).values({ userId: again, roleId: adminRole }).run();
    expect(grant(again, emptyRole)).toMatchObject({ ok: true });
    expect(sessionsOf(again)).toBe(1);
    const passwordUser = (await insertUser(db, { organisationId })).id;
    createSession(db, { userId: passwordUser, stage: "active", context: { ip: null, userAgent: null } });
    expect(grant(passwordUser, adminRole)).toMatchObject({ ok: true });
    expect(sessionsOf(passwordUser)).toBe(1);
  });
});
