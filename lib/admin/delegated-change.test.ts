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

  const role = (name: string, permissions: Permission[]) =>
    db.insert(roles).values({ organisationId, name, permissions }).returning().get().id;
  const holder = async (roleId: number) => {
    const user = await insertUser(db, { organisationId });
    db.insert(userRoles).values({ userId: user.id, roleId }).run();
    return user.id;
  };
  const permissionsNow = (userId: number) =>
    [...permissionsOfUser(privilegeSnapshot(db, organisationId), userId)].sort();

  beforeEach(async () => {
    db = testDatabase();
    organisationId = db.insert(organisations).values({ name: "Acme" }).returning().get().id;
    adminRole = role("Administrator", [...PERMISSIONS]);
    helpdeskRole = role("Helpdesk", ["users:read", "users:manage"]);
    keeperRole = role("Role keeper", ["roles:manage"]);
    administrator = await holder(adminRole);
    helpdesk = await holder(helpdeskRole);
    roleKeeper = await holder(keeperRole);
  });

  const setRoles =
    (userId: number, roleIds: number[]) => (tx: Parameters<Parameters<typeof delegatedChange>[1]["change"]>[0]) =>
      applyUserAccessChange(tx, organisationId, userId, {
        roleIds,
        groupIds: [],
        requirement: "default",
        isApiAccount: false,
        codeDelivery: "auto",
        removeTwoFactor: false,
      });

  it("a helpdesk user who ticks Administrator on their own account is refused, and nothing changes", () => {
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [helpdesk] },
      change: setRoles(helpdesk, [helpdeskRole, adminRole]),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(permissionsNow(helpdesk)).toEqual(["users:manage", "users:read"]);
  });

  it("a helpdesk user cannot strip the real administrator, who outranks them", () => {
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [administrator] },
      change: setRoles(administrator, []),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "above_rank" } });
    expect(permissionsNow(administrator)).toEqual([...PERMISSIONS].sort());
  });

  it("a helpdesk user may give a member the helpdesk role", async () => {
    const member = await insertUser(db, { organisationId });
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: helpdesk,
      affected: { userIds: [member.id] },
      change: setRoles(member.id, [helpdeskRole]),
    });
    expect(outcome.ok).toBe(true);
    expect(permissionsNow(member.id)).toEqual(["users:manage", "users:read"]);
  });

  it("a role keeper cannot add a permission to the role they hold", () => {
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: (tx) =>
        tx
          .update(roles)
          .set({ permissions: ["roles:manage", "settings:manage"] })
          .where(eq(roles.id, keeperRole))
          .run(),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(db.select().from(roles).where(eq(roles.id, keeperRole)).get()!.permissions).toEqual(["roles:manage"]);
  });

  it("a role keeper cannot put a permission they lack into a role nobody holds yet", () => {
    const empty = role("Later", []);
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: empty },
      edited: { roleId: empty },
      change: (tx) =>
        tx
          .update(roles)
          .set({ permissions: ["users:manage"] })
          .where(eq(roles.id, empty))
          .run(),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
  });

  it("a role keeper cannot attach Administrator to a group they are in, nor join a group that carries it", () => {
    const mine = db.insert(groups).values({ organisationId, name: "Mine" }).returning().get().id;
    db.insert(groupMembers).values({ groupId: mine, userId: roleKeeper }).run();
    const attach = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: mine },
      edited: { groupId: mine },
      change: (tx) => tx.insert(groupRoles).values({ groupId: mine, roleId: adminRole }).run(),
    });
    expect(attach).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });

    const admins = db.insert(groups).values({ organisationId, name: "Admins" }).returning().get().id;
    db.insert(groupRoles).values({ groupId: admins, roleId: adminRole }).run();
    const join = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { userIds: [roleKeeper] },
      change: (tx) => tx.insert(groupMembers).values({ groupId: admins, userId: roleKeeper }).run(),
    });
    expect(join).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(permissionsNow(roleKeeper)).toEqual(["roles:manage"]);
  });

  it("a role keeper cannot edit a group a full administrator belongs to, even to take something away", () => {
    const strict = role("Strict", []);
    const shared = db.insert(groups).values({ organisationId, name: "Shared" }).returning().get().id;
    db.insert(groupRoles).values({ groupId: shared, roleId: strict }).run();
    db.insert(groupMembers).values({ groupId: shared, userId: administrator }).run();
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: shared },
      edited: { groupId: shared },
      change: (tx) => tx.delete(groupRoles).where(eq(groupRoles.groupId, shared)).run(),
    });
    expect(outcome).toMatchObject({ ok: false, refusal: { reason: "above_rank" } });
    expect(db.select().from(groupRoles).where(eq(groupRoles.groupId, shared)).all()).toHaveLength(1);
  });

  it("two full administrators may act on each other, but the last one cannot be removed", async () => {
    const second = await holder(adminRole);
    expect(refusalToActOn(db, organisationId, second, administrator)).toBeNull();
    const demote = delegatedChange(db, {
      organisationId,
      actorUserId: second,
      affected: { userIds: [administrator] },
      change: setRoles(administrator, []),
    });
    expect(demote.ok).toBe(true);
    const last = delegatedChange(db, {
      organisationId,
      actorUserId: second,
      affected: { userIds: [second] },
      change: (tx) => tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, second)).run(),
    });
    expect(last).toEqual({ ok: false, lastAdministrator: true });
    expect(countFullAdministrators(db, organisationId)).toBe(1);
  });

  it("an invitation may carry only roles and groups within the inviter's permissions", () => {
    const admins = db.insert(groups).values({ organisationId, name: "Admins" }).returning().get().id;
    db.insert(groupRoles).values({ groupId: admins, roleId: adminRole }).run();
    expect(refusalToGrant(db, organisationId, helpdesk, { roleIds: [helpdeskRole], groupIds: [] })).toBeNull();
    expect(refusalToGrant(db, organisationId, helpdesk, { roleIds: [adminRole], groupIds: [] })?.reason).toBe(
      "exceeds_grant",
    );
    expect(refusalToGrant(db, organisationId, helpdesk, { roleIds: [], groupIds: [admins] })?.reason).toBe(
      "exceeds_grant",
    );
  });

  it("roles of another organisation count for nothing, however a row points at them", async () => {
    const elsewhere = db.insert(organisations).values({ name: "Elsewhere" }).returning().get().id;
    const foreignRole = db
      .insert(roles)
      .values({
        organisationId: elsewhere,
        name: "Administrator",
        permissions: [...PERMISSIONS],
        requireTwoFactor: true,
      })
      .returning()
      .get().id;
    // A row no action can write (actions keep only the organisation's roles), made by hand.
    db.insert(userRoles).values({ userId: helpdesk, roleId: foreignRole }).run();
    expect(permissionsNow(helpdesk)).toEqual(["users:manage", "users:read"]);
    expect([...permissionsOf(rolesOfUser(db, helpdesk))].sort()).toEqual(["users:manage", "users:read"]);
    expect(refusalToActOn(db, organisationId, helpdesk, administrator)?.reason).toBe("above_rank");
  });

  it("an organisation without a full administrator (roles that predate a permission) can still act; only losing the last one is refused", async () => {
    db.update(roles)
      .set({ permissions: ["users:read", "users:manage", "roles:manage", "audit:read"] })
      .where(eq(roles.id, adminRole))
      .run();
    expect(countFullAdministrators(db, organisationId)).toBe(0);
    const member = await insertUser(db, { organisationId });
    const disable = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [member.id] },
      change: (tx) => tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, member.id)).run(),
    });
    expect(disable.ok).toBe(true);
  });

  it("nobody stops their own roles requiring 2FA: not by unticking the role, leaving its group or deleting it", () => {
    db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, keeperRole)).run();
    const untick = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: keeperRole },
      edited: { roleId: keeperRole },
      change: (tx) => tx.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, keeperRole)).run(),
    });
    expect(untick).toEqual({ ok: false, ownTwoFactorLowered: true });
    const strict = role("Strict", []);
    db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strict)).run();
    const team = db.insert(groups).values({ organisationId, name: "Team" }).returning().get().id;
    db.insert(groupRoles).values({ groupId: team, roleId: strict }).run();
    db.insert(groupMembers).values({ groupId: team, userId: administrator }).run();
    db.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, adminRole)).run();
    const leave = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [administrator] },
      change: (tx) => tx.delete(groupMembers).where(eq(groupMembers.userId, administrator)).run(),
    });
    expect(leave).toEqual({ ok: false, ownTwoFactorLowered: true });
    expect(db.select().from(groupMembers).where(eq(groupMembers.userId, administrator)).all()).toHaveLength(1);
    expect(db.select().from(roles).where(eq(roles.id, keeperRole)).get()!.requireTwoFactor).toBe(true);
  });

  it("only someone who may act on every member changes what applies to all of them", async () => {
    const settingsOnly = await holder(role("Settings", ["settings:manage"]));
    expect(refusalToActOnEveryone(db, organisationId, settingsOnly)?.reason).toBe("above_rank");
    expect(refusalToActOnEveryone(db, organisationId, helpdesk)?.reason).toBe("above_rank");
    expect(refusalToActOnEveryone(db, organisationId, administrator)).toBeNull();
  });

  it("a role keeper cannot delete a role or group carrying permissions they lack, even while nobody holds it", () => {
    const breakGlass = role("Break glass", [...PERMISSIONS]);
    const vault = db.insert(groups).values({ organisationId, name: "Vault" }).returning().get().id;
    db.insert(groupRoles).values({ groupId: vault, roleId: breakGlass }).run();
    const deleteGroup = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { groupId: vault },
      edited: { groupId: vault },
      change: (tx) => tx.delete(groups).where(eq(groups.id, vault)).run(),
    });
    expect(deleteGroup).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    const deleteRole = delegatedChange(db, {
      organisationId,
      actorUserId: roleKeeper,
      affected: { roleId: breakGlass },
      edited: { roleId: breakGlass },
      change: (tx) => tx.delete(roles).where(eq(roles.id, breakGlass)).run(),
    });
    expect(deleteRole).toMatchObject({ ok: false, refusal: { reason: "exceeds_grant" } });
    expect(db.select().from(roles).where(eq(roles.id, breakGlass)).all()).toHaveLength(1);
  });

  it("a change aimed at someone withdrawn, or a group deleted, in the meantime is not found rather than a failed write", async () => {
    const invitee = await insertUser(db, { organisationId });
    db.delete(users).where(eq(users.id, invitee.id)).run();
    const late = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { userIds: [invitee.id] },
      change: setRoles(invitee.id, [helpdeskRole]),
    });
    expect(late).toEqual({ ok: false, notFound: true });
    const gone = delegatedChange(db, {
      organisationId,
      actorUserId: administrator,
      affected: { groupId: 999_999 },
      edited: { groupId: 999_999 },
      change: () => "changed",
    });
    expect(gone).toEqual({ ok: false, notFound: true });
  });
});
