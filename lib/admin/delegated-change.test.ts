import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import {
  groupMembers,
  groupRoles,
  groups,
  organisations,
  PERMISSIONS,
  roles,
  userRoles,
  users,
  type Permission,
} from "@/db/schema";
import {
  countFullAdministrators,
  delegatedChange,
  permissionsOfUser,
  privilegeSnapshot,
  refusalToActOn,
  refusalToActOnEveryone,
  refusalToGrant,
} from "@/lib/admin/delegated-change";
import { applyUserAccessChange } from "@/lib/admin/user-admin";
import { permissionsOf, rolesOfUser } from "@/lib/auth/permissions";
import { insertUser, testDatabase } from "@/test/db";

describe("changes made under the delegation rules", () => {
  let db: Db;
  let organisationId: number;
  let administrator: number;
  let helpdesk: number;
  let roleKeeper: number;
  let adminRole: number;
  let helpdeskRole: number;
  let keeperRole: number;

  const role = async (name: string, permissions: Permission[]) =>
    (await db.insert(roles).values({ organisationId, name, permissions }).returning())[0]!.id;
  const holder = async (roleId: number) => {
    const user = await insertUser(db, { organisationId });
    await db.insert(userRoles).values({ userId: user.id, roleId });
    return user.id;
  };
  const permissionsNow = async (userId: number) =>
    [...permissionsOfUser(await privilegeSnapshot(db, organisationId), userId)].sort();

  beforeEach(async () => {
    db = testDatabase();
    organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    adminRole = await role("Administrator", [...PERMISSIONS]);
    helpdeskRole = await role("Helpdesk", ["users:read", "users:manage"]);
    keeperRole = await role("Role keeper", ["roles:manage"]);
    administrator = await holder(adminRole);
    helpdesk = await holder(helpdeskRole);
    roleKeeper = await holder(keeperRole);
  });

  const setRoles =
    (userId: number, roleIds: number[]) => async (tx: Parameters<Parameters<typeof delegatedChange>[1]["change"]>[0]) =>
      await applyUserAccessChange(tx, organisationId, userId, {
        roleIds,
        groupIds: [],
        requirement: "default",
        isApiAccount: false,
        codeDelivery: "auto",
        removeTwoFactor: false,
      });

  it("a helpdesk user who ticks Administrator on their own account is refused, and nothing changes", async () => {
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [helpdesk] },
      change: setRoles(helpdesk, [helpdeskRole, adminRole]),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(await permissionsNow(helpdesk)).toEqual(["users:manage", "users:read"]);
  });

  it("a helpdesk user cannot strip the real administrator, who outranks them", async () => {
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [administrator] },
      change: setRoles(administrator, []),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "above_rank" } });
    expect(await permissionsNow(administrator)).toEqual([...PERMISSIONS].sort());
  });

  it("a helpdesk user may give a member the helpdesk role", async () => {
    const member = await insertUser(db, { organisationId });
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [member.id] },
      change: setRoles(member.id, [helpdeskRole]),
    });
    expect(outcome.ok).toBe(true);
    expect(await permissionsNow(member.id)).toEqual(["users:manage", "users:read"]);
  });

  it("a role keeper cannot add a permission to the role they hold", async () => {
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: async (tx) =>
        await tx
          .update(roles)
          .set({ permissions: ["roles:manage", "settings:manage"] })
          .where(eq(roles.id, keeperRole)),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect((await db.select().from(roles).where(eq(roles.id, keeperRole)))[0]!.permissions).toEqual(["roles:manage"]);
  });

  it("a role keeper cannot put a permission they lack into a role nobody holds yet", async () => {
    const empty = await role("Later", []);
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: empty },
      edited: { roleId: empty },
      change: async (tx) =>
        await tx
          .update(roles)
          .set({ permissions: ["users:manage"] })
          .where(eq(roles.id, empty)),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
  });

  it("a role keeper cannot attach Administrator to a group they are in, nor join a group that carries it", async () => {
    const mine = (await db.insert(groups).values({ organisationId, name: "Mine" }).returning())[0]!.id;
    await db.insert(groupMembers).values({ groupId: mine, userId: roleKeeper });
    const attach = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: mine },
      edited: { groupId: mine },
      change: async (tx) => await tx.insert(groupRoles).values({ groupId: mine, roleId: adminRole }),
    });
    expect(attach).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });

    const admins = (await db.insert(groups).values({ organisationId, name: "Admins" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: admins, roleId: adminRole });
    const join = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { userIds: [roleKeeper] },
      change: async (tx) => await tx.insert(groupMembers).values({ groupId: admins, userId: roleKeeper }),
    });
    expect(join).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(await permissionsNow(roleKeeper)).toEqual(["roles:manage"]);
  });

  it("a role keeper cannot edit a group a full administrator belongs to, even to take something away", async () => {
    const strict = await role("Strict", []);
    const shared = (await db.insert(groups).values({ organisationId, name: "Shared" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: shared, roleId: strict });
    await db.insert(groupMembers).values({ groupId: shared, userId: administrator });
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: shared },
      edited: { groupId: shared },
      change: async (tx) => await tx.delete(groupRoles).where(eq(groupRoles.groupId, shared)),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "above_rank" } });
    expect(await db.select().from(groupRoles).where(eq(groupRoles.groupId, shared))).toHaveLength(1);
  });

  it("two full administrators may act on each other, but the last one cannot be removed", async () => {
    const second = await holder(adminRole);
    expect(await refusalToActOn(db, organisationId, second, administrator)).toBeNull();
    const demote = await delegatedChange(db, {
      organisationId,
      actorUserId: second,
      affected: { userIds: [administrator] },
      change: setRoles(administrator, []),
    });
    expect(demote.ok).toBe(true);
    const last = await delegatedChange(db, {
      organisationId,
      actorUserId: second,
      affected: { userIds: [second] },
      change: async (tx) => await tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, second)),
    });
    expect(last).toEqual({ ok: false, lastAdministrator: true });
    expect(await countFullAdministrators(db, organisationId)).toBe(1);
  });

  it("an invitation may carry only roles and groups within the inviter's permissions", async () => {
    const admins = (await db.insert(groups).values({ organisationId, name: "Admins" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: admins, roleId: adminRole });
    expect(await refusalToGrant(db, organisationId, helpdesk, { roleIds: [helpdeskRole], groupIds: [] })).toBeNull();
    expect((await refusalToGrant(db, organisationId, helpdesk, { roleIds: [adminRole], groupIds: [] }))?.reason).toBe(
      "exceeds_grant",
    );
    expect((await refusalToGrant(db, organisationId, helpdesk, { roleIds: [], groupIds: [admins] }))?.reason).toBe(
      "exceeds_grant",
    );
  });

  it("roles of another organisation count for nothing, however a row points at them", async () => {
    const elsewhere = (await db.insert(organisations).values({ name: "Elsewhere" }).returning())[0]!.id;
    const foreignRole = (
      await db
        .insert(roles)
        .values({
          organisationId: elsewhere,
          name: "Administrator",
          permissions: [...PERMISSIONS],
          requireTwoFactor: true,
        })
        .returning()
    )[0]!.id;
    // A row no action can write (actions keep only the organisation's roles), made by hand.
    await db.insert(userRoles).values({ userId: helpdesk, roleId: foreignRole });
    expect(await permissionsNow(helpdesk)).toEqual(["users:manage", "users:read"]);
    expect([...permissionsOf(await rolesOfUser(db, helpdesk))].sort()).toEqual(["users:manage", "users:read"]);
    expect((await refusalToActOn(db, organisationId, helpdesk, administrator))?.reason).toBe("above_rank");
  });

  it("an organisation without a full administrator (roles that predate a permission) can still act; only losing the last one is refused", async () => {
    await db
      .update(roles)
      .set({ permissions: ["users:read", "users:manage", "roles:manage", "audit:read"] })
      .where(eq(roles.id, adminRole));
    expect(await countFullAdministrators(db, organisationId)).toBe(0);
    const member = await insertUser(db, { organisationId });
    const disable = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [member.id] },
      change: async (tx) => await tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, member.id)),
    });
    expect(disable.ok).toBe(true);
  });

  it("nobody stops their own roles requiring 2FA: not by unticking the role, leaving its group or deleting it", async () => {
    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, keeperRole));
    const untick = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: async (tx) => await tx.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, keeperRole)),
    });
    expect(untick).toEqual({ ok: false, ownTwoFactorLowered: true });
    const strict = await role("Strict", []);
    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strict));
    const team = (await db.insert(groups).values({ organisationId, name: "Team" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: team, roleId: strict });
    await db.insert(groupMembers).values({ groupId: team, userId: administrator });
    await db.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, adminRole));
    const leave = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [administrator] },
      change: async (tx) => await tx.delete(groupMembers).where(eq(groupMembers.userId, administrator)),
    });
    expect(leave).toEqual({ ok: false, ownTwoFactorLowered: true });
    expect(await db.select().from(groupMembers).where(eq(groupMembers.userId, administrator))).toHaveLength(1);
    expect((await db.select().from(roles).where(eq(roles.id, keeperRole)))[0]!.requireTwoFactor).toBe(true);
  });

  it("nobody lowers their own roles' phishing-resistant requirement to plain 2FA; raising it is fine", async () => {
    const raise = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: async (tx) =>
        await tx
          .update(roles)
          .set({ requireTwoFactor: true, requirePhishingResistant: true })
          .where(eq(roles.id, keeperRole)),
    });
    expect(raise.ok).toBe(true);
    const lower = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: async (tx) =>
        await tx.update(roles).set({ requirePhishingResistant: false }).where(eq(roles.id, keeperRole)),
    });
    expect(lower).toEqual({ ok: false, ownTwoFactorLowered: true });
    expect((await db.select().from(roles).where(eq(roles.id, keeperRole)))[0]!.requirePhishingResistant).toBe(true);
  });

  it("only someone who may act on every member changes what applies to all of them", async () => {
    const settingsOnly = await holder(await role("Settings", ["settings:manage"]));
    expect((await refusalToActOnEveryone(db, organisationId, settingsOnly))?.reason).toBe("above_rank");
    expect((await refusalToActOnEveryone(db, organisationId, helpdesk))?.reason).toBe("above_rank");
    expect(await refusalToActOnEveryone(db, organisationId, administrator)).toBeNull();
  });

  it("a role keeper cannot delete a role or group carrying permissions they lack, even while nobody holds it", async () => {
    const breakGlass = await role("Break glass", [...PERMISSIONS]);
    const vault = (await db.insert(groups).values({ organisationId, name: "Vault" }).returning())[0]!.id;
    await db.insert(groupRoles).values({ groupId: vault, roleId: breakGlass });
    const deleteGroup = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: vault },
      edited: { groupId: vault },
      change: async (tx) => await tx.delete(groups).where(eq(groups.id, vault)),
    });
    expect(deleteGroup).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    const deleteRole = await delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: breakGlass },
      edited: { roleId: breakGlass },
      change: async (tx) => await tx.delete(roles).where(eq(roles.id, breakGlass)),
    });
    expect(deleteRole).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(await db.select().from(roles).where(eq(roles.id, breakGlass))).toHaveLength(1);
  });

  it("a change aimed at someone withdrawn, or a group deleted, in the meantime is not found rather than a failed write", async () => {
    const invitee = await insertUser(db, { organisationId });
    await db.delete(users).where(eq(users.id, invitee.id));
    const late = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [invitee.id] },
      change: setRoles(invitee.id, [helpdeskRole]),
    });
    expect(late).toEqual({ ok: false, notFound: true });
    const gone = await delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { groupId: 999_999 },
      edited: { groupId: 999_999 },
      change: async () => "changed",
    });
    expect(gone).toEqual({ ok: false, notFound: true });
  });
});
