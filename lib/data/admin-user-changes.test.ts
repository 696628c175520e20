import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { apiTokens, auditEvents, organisations, PERMISSIONS, roles, sessions, userRoles, users } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import type { CurrentSession } from "@/lib/auth/guards";
import { createSession, listSessionsOfUser } from "@/lib/auth/sessions";
import { openRecoveryRequest } from "@/lib/recovery/requests";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const changes = await import("@/lib/data/admin-user-changes");
const tokens = await import("@/lib/data/admin-user-api-tokens");
const links = await import("@/lib/data/admin-user-links");
const invitations = await import("@/lib/data/invitations");
const { adminUserDetail } = await import("@/lib/data/admin-user-detail");

const context = { ip: null, userAgent: null };

/** A full administrator of a new organisation, and a member with a session, an API account with a token and a recovery request. */
async function organisation(name: string) {
  const organisationId = (await db.insert(organisations).values({ name }).returning())[0]!.id;
  const admin = await insertUser(db, { organisationId, name: `${name} admin` });
  const member = await insertUser(db, { organisationId, name: `${name} member` });
  const api = await insertUser(db, { organisationId, name: `${name} api`, isApiAccount: true });
  const roleId = (
    await db
      .insert(roles)
      .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values({ userId: admin.id, roleId });
  const adminSession = await createSession(db, { userId: admin.id, stage: "active", context });
  await createSession(db, { userId: member.id, stage: "active", context });
  const token = await createApiToken(db, { userId: api.id, name: "ci", createdByUserId: admin.id });
  const request = await openRecoveryRequest(db, { organisationId, userId: member.id, context });
  const current = {
    user: { id: admin.id, organisationId, name: `${name} admin`, email: admin.email },
    organisation: { id: organisationId, name },
    session: { tokenHash: (await listSessionsOfUser(db, admin.id))[0]!.tokenHash },
    token: adminSession.token,
    context,
  };
  return {
    current: current as unknown as CurrentSession,
    member,
    api,
    tokenId: token.id,
    requestId: request.outcome === "created" ? request.request.id : 0,
  };
}

describe("admin changes to a user take the user id only from the actor's organisation", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("finds no one of another organisation, changes nothing there and names no one of it in the audit log", async () => {
    const acme = await organisation("Acme");
    const other = await organisation("Elsewhere");
    const memberSession = (await listSessionsOfUser(db, other.member.id))[0]!.tokenHash;
    const notFound = { ok: false, reason: "not_found" };

    expect(await adminUserDetail(acme.current, other.member.id)).toBeNull();
    expect(
      await changes.updateUserAccess(acme.current, {
        userId: other.member.id,
        roleIds: [],
        groupIds: [],
        requirement: "disabled",
        codeDelivery: "auto",
        isApiAccount: true,
        turnOffTwoFactor: true,
      }),
    ).toEqual(notFound);
    expect(
      await changes.resetTwoFactor(acme.current, {
        userId: other.member.id,
        reason: "Lost phone, checked by video call",
      }),
    ).toEqual(notFound);
    expect(await changes.signOutEverywhere(acme.current, other.member.id)).toEqual(notFound);
    expect(await changes.setAccountDisabled(acme.current, { userId: other.member.id, disable: true })).toEqual(
      notFound,
    );
    expect(await changes.endSessionOfUser(acme.current, { userId: other.member.id, sessionId: memberSession })).toEqual(
      notFound,
    );
    // The actor's own member, with the other organisation's session id: scoped to the member, so nothing ends.
    expect(await changes.endSessionOfUser(acme.current, { userId: acme.member.id, sessionId: memberSession })).toEqual({
      ok: false,
      reason: "already_ended",
    });
    expect(await changes.unlockSecondFactor(acme.current, other.member.id)).toEqual(notFound);
    expect(
      await changes.dismissRecoveryRequest(acme.current, { userId: other.member.id, requestId: other.requestId }),
    ).toEqual(notFound);
    expect(
      await changes.dismissRecoveryRequest(acme.current, { userId: acme.member.id, requestId: other.requestId }),
    ).toEqual({ ok: false, reason: "not_pending" });
    expect(
      await tokens.createApiTokenFor(acme.current, { userId: other.api.id, name: "stolen", expiresAt: null }),
    ).toEqual(notFound);
    expect(await tokens.revokeApiTokenOf(acme.current, { userId: other.api.id, tokenId: other.tokenId })).toEqual(
      notFound,
    );
    expect(await tokens.revokeApiTokenOf(acme.current, { userId: acme.api.id, tokenId: other.tokenId })).toEqual({
      ok: false,
      reason: "not_revocable",
    });
    expect(await links.sendPasswordResetLink(acme.current, other.member.id)).toEqual(notFound);
    expect(await links.sendSetupLink(acme.current, other.member.id)).toMatchObject({ ok: false, reason: "refused" });
    expect(await invitations.resendInvitation(acme.current, other.member.id)).toEqual({
      ok: false,
      reason: "not_pending",
    });
    expect(await invitations.withdrawInvitation(acme.current, other.member.id)).toEqual({
      ok: false,
      reason: "not_pending",
    });

    const elsewhere = (await db.select().from(users)).filter(
      (user) => user.organisationId === other.current.organisation.id,
    );
    expect(elsewhere).toHaveLength(3);
    expect(
      elsewhere.every((user) => user.disabledAt === null && !(user.name === "Elsewhere member" && user.isApiAccount)),
    ).toBe(true);
    expect(await listSessionsOfUser(db, other.member.id)).toHaveLength(1);
    expect((await db.select().from(apiTokens)).filter((token) => token.revokedAt !== null)).toEqual([]);
    expect(await db.select().from(sessions)).toHaveLength(4);
    const named = (await db.select().from(auditEvents)).filter((event) => event.actorUserId === acme.current.user.id);
    expect(
      named.filter((event) => event.targetUserId !== null && elsewhere.some((user) => user.id === event.targetUserId)),
    ).toEqual([]);
  });
});

describe("the audit log of a change to someone's access", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("records the roles given and taken, before → after, and reads them by name", async () => {
    const acme = await organisation("Acme");
    const readerId = (
      await db
        .insert(roles)
        .values({ organisationId: acme.current.organisation.id, name: "Reader", permissions: ["users:read"] })
        .returning()
    )[0]!.id;
    const access = {
      userId: acme.member.id,
      groupIds: [],
      requirement: "default" as const,
      codeDelivery: "auto" as const,
      isApiAccount: false,
      turnOffTwoFactor: false,
    };
    await changes.updateUserAccess(acme.current, { ...access, roleIds: [readerId] });
    const { getAuditLogPage } = await import("@/lib/data/audit-log");
    const granted = (await getAuditLogPage(acme.current, { types: ["user.updated"] })).events[0]!;
    expect(granted.changes).toContainEqual(expect.objectContaining({ before: "none", after: "Reader" }));

    // Saving again without a change to roles records none.
    await changes.updateUserAccess(acme.current, { ...access, roleIds: [readerId] });
    const unchanged = (await getAuditLogPage(acme.current, { types: ["user.updated"] })).events[0]!;
    expect(unchanged.changes.some((change) => change.after === "Reader")).toBe(false);
  });
});
