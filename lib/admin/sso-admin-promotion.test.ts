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

  const sessionsOf = async (userId: number) =>
    (await db.select().from(sessions).where(eq(sessions.userId, userId))).length;
  const ssoUser = async () => {
    const user = await insertUser(db, { organisationId });
    await db
      .update(users)
      .set({ passwordHash: null, ssoIssuer: "https://idp.example", ssoSubject: `sub-${user.id}` })
      .where(eq(users.id, user.id));
    await createSession(db, { userId: user.id, stage: "active", context: { ip: null, userAgent: null } });
    return user.id;
  };
  const grant = async (userId: number, roleId: number) =>
    await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [userId] },
      change: async (tx) => await tx.insert(userRoles).values({ userId, roleId }),
    });

  beforeEach(async () => {
    db = testDatabase();
    organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    adminRole = (
      await db
        .insert(roles)
        .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
        .returning()
    )[0]!.id;
    emptyRole = (await db.insert(roles).values({ organisationId, name: "Staff", permissions: [] }).returning())[0]!.id;
    administrator = (await insertUser(db, { organisationId })).id;
    await db.insert(userRoles).values({ userId: administrator, roleId: adminRole });
    await createSession(db, { userId: administrator, stage: "active", context: { ip: null, userAgent: null } });
  });
  afterEach(() => vi.unstubAllEnvs());

  it("is signed out everywhere when OIDC_REQUIRE_MFA_FOR_ADMINS is on, and the audit log says why", async () => {
    vi.stubEnv("OIDC_REQUIRE_MFA_FOR_ADMINS", "1");
    const promoted = await ssoUser();
    expect(await grant(promoted, adminRole)).toMatchObject({ ok: true });
    expect(await sessionsOf(promoted)).toBe(0);
    expect(await sessionsOf(administrator)).toBe(1);
    const event = (await db.select().from(auditEvents).where(eq(auditEvents.targetUserId, promoted)))[0];
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
    const groupId = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId, roleId: adminRole });
    const joined = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [member] },
      change: async (tx) => await tx.insert(groupMembers).values({ groupId, userId: member }),
    });
    expect(joined).toMatchObject({ ok: true });
    expect(await sessionsOf(member)).toBe(0);
    await db.insert(userRoles).values({ userId: holder, roleId: emptyRole });
    const edited = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { roleId: emptyRole },
      edited: { roleId: emptyRole },
      change: async (tx) =>
        await tx
          .update(roles)
          .set({ permissions: ["users:read"] })
          .where(eq(roles.id, emptyRole)),
    });
    expect(edited).toMatchObject({ ok: true });
    expect(await sessionsOf(holder)).toBe(0);
  });

  it("keeps their sessions when the rule is off, or when they were already an administrator, or for a password user", async () => {
    const promoted = await ssoUser();
    expect(await grant(promoted, adminRole)).toMatchObject({ ok: true });
    expect(await sessionsOf(promoted)).toBe(1);
    vi.stubEnv("OIDC_REQUIRE_MFA_FOR_ADMINS", "1");
    const again = await ssoUser();
    await db.insert(userRoles).values({ userId: again, roleId: adminRole });
    expect(await grant(again, emptyRole)).toMatchObject({ ok: true });
    expect(await sessionsOf(again)).toBe(1);
    const passwordUser = (await insertUser(db, { organisationId })).id;
    await createSession(db, { userId: passwordUser, stage: "active", context: { ip: null, userAgent: null } });
    expect(await grant(passwordUser, adminRole)).toMatchObject({ ok: true });
    expect(await sessionsOf(passwordUser)).toBe(1);
  });
});
