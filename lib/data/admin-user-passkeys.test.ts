import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, organisations, passkeys, PERMISSIONS, roles, userRoles } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { createSession, listSessionsOfUser } from "@/lib/auth/sessions";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));
// refuse() ends in Next's forbidden(): here, a recognisable throw.
vi.mock("next/navigation", () => ({
  forbidden: () => {
    throw new Error("403");
  },
}));
// Every email, captured instead of sent.
const sent = vi.hoisted(() => [] as { to: string; subject: string; text: string }[]);
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; subject: string; text: string }) => {
    sent.push(message);
  },
}));

const { removePasskeyOfUser, resetTwoFactor, updateUserAccess } = await import("@/lib/data/admin-user-changes");
const { findUserInOrganisation } = await import("@/lib/admin/user-admin");

const context = { ip: null, userAgent: null };

const addPasskey = (userId: number, name: string) => insertPasskey(db, userId, { name });

async function actorIn(organisationId: number, permissions: Array<(typeof PERMISSIONS)[number]>, name: string) {
  const actor = await insertUser(db, { organisationId, name });
  const roleId = (
    await db
      .insert(roles)
      .values({ organisationId, name: `${name} role`, permissions })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values({ userId: actor.id, roleId });
  const session = await createSession(db, { userId: actor.id, stage: "active", context });
  return {
    id: actor.id,
    current: {
      user: { id: actor.id, organisationId, name, email: actor.email },
      organisation: { id: organisationId, name: "Org" },
      session: { tokenHash: (await listSessionsOfUser(db, actor.id))[0]!.tokenHash },
      token: session.token,
      context,
    } as unknown as CurrentSession,
  };
}

async function organisation(name: string) {
  const organisationId = (await db.insert(organisations).values({ name }).returning())[0]!.id;
  const admin = await actorIn(organisationId, [...PERMISSIONS], `${name} admin`);
  const member = await insertUser(db, { organisationId, name: `${name} member`, email: `member@${name}.test` });
  const passkeyId = await addPasskey(member.id, "Work laptop");
  return { organisationId, admin, member, passkeyId };
}

const passkeyExists = async (id: number) => (await db.select().from(passkeys).where(eq(passkeys.id, id))).length > 0;
const eventsOf = async (type: string) => await db.select().from(auditEvents).where(eq(auditEvents.type, type));

beforeEach(() => {
  db = testDatabase();
  sent.length = 0;
});

describe("an administrator removes a user's passkey", () => {
  it("removes it, audits it and emails the user", async () => {
    const acme = await organisation("acme");
    const result = await removePasskeyOfUser(acme.admin.current, { userId: acme.member.id, passkeyId: acme.passkeyId });
    expect(result).toEqual({ ok: true, name: "Work laptop" });
    expect(await passkeyExists(acme.passkeyId)).toBe(false);
    const events = await eventsOf("passkey.removed");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: acme.admin.id,
      targetUserId: acme.member.id,
      details: { passkeyId: acme.passkeyId, name: "Work laptop" },
    });
    expect(sent.map((message) => message.to)).toEqual(["member@acme.test"]);
    expect(sent[0]!.text).toContain("Work laptop");
  });

  it("refuses another organisation's user and passkey: not found, nothing removed, no one of elsewhere in the log", async () => {
    const acme = await organisation("acme");
    const other = await organisation("other");
    expect(
      await removePasskeyOfUser(acme.admin.current, { userId: other.member.id, passkeyId: other.passkeyId }),
    ).toEqual({ ok: false, reason: "not_found" });
    expect(await passkeyExists(other.passkeyId)).toBe(true);
    expect(await eventsOf("passkey.removed")).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it("refuses another user's passkey id under this user's id: removes nothing", async () => {
    const acme = await organisation("acme");
    const other = await organisation("other");
    const colleague = await insertUser(db, { organisationId: acme.organisationId, name: "Colleague" });
    const colleaguePasskey = await addPasskey(colleague.id, "Colleague's key");
    for (const passkeyId of [other.passkeyId, colleaguePasskey]) {
      expect(await removePasskeyOfUser(acme.admin.current, { userId: acme.member.id, passkeyId })).toEqual({
        ok: false,
        reason: "passkey_not_found",
      });
    }
    expect(await passkeyExists(other.passkeyId)).toBe(true);
    expect(await passkeyExists(colleaguePasskey)).toBe(true);
    expect(await passkeyExists(acme.passkeyId)).toBe(true);
    expect(await eventsOf("passkey.removed")).toHaveLength(0);
  });

  it("refuses, with 403 and an audit row, an administrator who holds less than the user", async () => {
    const acme = await organisation("acme");
    const helpdesk = await actorIn(acme.organisationId, ["users:read", "users:manage"], "Helpdesk");
    // The passkey of the full administrator: out of the helpdesk's reach.
    const adminPasskey = await addPasskey(acme.admin.id, "Admin key");
    await expect(
      removePasskeyOfUser(helpdesk.current, { userId: acme.admin.id, passkeyId: adminPasskey }),
    ).rejects.toThrow("403");
    expect(await passkeyExists(adminPasskey)).toBe(true);
    const refused = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "access.refused"), eq(auditEvents.actorUserId, helpdesk.id)));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ action: "passkey.remove" });
    // The same helpdesk may help a plain member.
    expect(
      await removePasskeyOfUser(helpdesk.current, { userId: acme.member.id, passkeyId: acme.passkeyId }),
    ).toMatchObject({ ok: true });
  });

  it("refuses an administrator's own passkey here (it is removed on /profile)", async () => {
    const acme = await organisation("acme");
    const own = await addPasskey(acme.admin.id, "Mine");
    await expect(removePasskeyOfUser(acme.admin.current, { userId: acme.admin.id, passkeyId: own })).rejects.toThrow(
      "403",
    );
    expect(await passkeyExists(own)).toBe(true);
  });
});

describe("resetting two-factor authentication", () => {
  it("removes the user's passkeys too, and says how many in the audit log", async () => {
    const acme = await organisation("acme");
    await addPasskey(acme.member.id, "Phone");
    const other = await organisation("other");
    expect(
      await resetTwoFactor(acme.admin.current, {
        userId: acme.member.id,
        reason: "Lost laptop, checked by video call",
      }),
    ).toEqual({ ok: true });
    expect(await db.select().from(passkeys).where(eq(passkeys.userId, acme.member.id))).toHaveLength(0);
    expect(await passkeyExists(other.passkeyId)).toBe(true);
    expect((await eventsOf("two_factor.reset"))[0]!.details).toMatchObject({ passkeysRemoved: 2 });
    // One event per passkey, naming it, as for a single removal.
    expect((await eventsOf("passkey.removed")).map((event) => event.details)).toEqual([
      expect.objectContaining({ name: "Work laptop", byAdministrator: true, with: "two_factor_reset" }),
      expect.objectContaining({ name: "Phone", byAdministrator: true, with: "two_factor_reset" }),
    ]);
  });
});

describe("an administrator turns two-factor off (review L2)", () => {
  const turnOff = (userId: number) => ({
    userId,
    roleIds: [],
    groupIds: [],
    requirement: "default" as const,
    codeDelivery: "auto" as const,
    isApiAccount: false,
    turnOffTwoFactor: true,
  });

  it("counts a passkey as a factor of the user's own: the box can be unticked for a passkey-only user", async () => {
    const acme = await organisation("acme");
    const found = await findUserInOrganisation(db, acme.organisationId, acme.member.id);
    expect(found).toMatchObject({ hasTotp: false, hasOwnFactor: true });
  });

  it("removes the passkeys with the other factors, audits each, and the email says so", async () => {
    const acme = await organisation("acme");
    const phone = await addPasskey(acme.member.id, "Phone");
    const other = await organisation("other");
    expect(await updateUserAccess(acme.admin.current, turnOff(acme.member.id))).toEqual({ ok: true });
    expect(await db.select().from(passkeys).where(eq(passkeys.userId, acme.member.id))).toEqual([]);
    expect(await passkeyExists(other.passkeyId)).toBe(true);
    expect((await findUserInOrganisation(db, acme.organisationId, acme.member.id))!.hasOwnFactor).toBe(false);
    const disabled = await eventsOf("two_factor.disabled");
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({
      actorUserId: acme.admin.id,
      targetUserId: acme.member.id,
      details: { byAdministrator: true, passkeysRemoved: 2 },
    });
    expect((await eventsOf("passkey.removed")).map((event) => event.details)).toEqual([
      { passkeyId: acme.passkeyId, name: "Work laptop", byAdministrator: true, with: "two_factor_disabled" },
      { passkeyId: phone, name: "Phone", byAdministrator: true, with: "two_factor_disabled" },
    ]);
    const email = sent.find((message) => message.to === "member@acme.test");
    expect(email?.text).toContain("passkeys and security keys");
  });
});
