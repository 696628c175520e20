import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, groupMembers, groups, organisations, PERMISSIONS, roles, userRoles } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const { addGroupMember, deleteGroup, removeGroupMember, updateGroup } = await import("@/lib/data/groups");
const { deleteRole, updateRole } = await import("@/lib/data/roles");

/** A full administrator of a new organisation, with a role, a group and a member of it. */
async function organisation(name: string) {
  const organisationId = (await db.insert(organisations).values({ name }).returning())[0]!.id;
  const admin = await insertUser(db, { organisationId, name: `${name} admin` });
  const member = await insertUser(db, { organisationId, name: `${name} member` });
  const roleId = (
    await db
      .insert(roles)
      .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values({ userId: admin.id, roleId });
  const groupId = (await db.insert(groups).values({ organisationId, name: "Team" }).returning())[0]!.id;
  await db.insert(groupMembers).values({ groupId, userId: member.id });
  const current = {
    user: { id: admin.id, organisationId, name: `${name} admin` },
    organisation: { id: organisationId, name },
    context: { ip: null, userAgent: null },
  };
  return { current: current as unknown as CurrentSession, roleId, groupId, member };
}

describe("role and group writes take ids only from the actor's organisation", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("treats another organisation's role, group and people as not there, and names none of them in the audit log", async () => {
    const acme = await organisation("Acme");
    const other = await organisation("Elsewhere");

    expect(
      await updateRole(acme.current, {
        roleId: other.roleId,
        name: "Taken over",
        permissions: [],
        requireTwoFactor: false,
      }),
    ).toEqual({ ok: false, reason: "not_found" });
    expect(await deleteRole(acme.current, other.roleId)).toEqual({ ok: false, reason: "not_found" });
    expect(await updateGroup(acme.current, { groupId: other.groupId, name: "Taken over", roleIds: [] })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await deleteGroup(acme.current, other.groupId)).toEqual({ ok: false, reason: "not_found" });
    expect(await addGroupMember(acme.current, { groupId: acme.groupId, email: other.member.email })).toEqual({
      ok: false,
      reason: "no_such_email",
    });
    expect(await removeGroupMember(acme.current, { groupId: acme.groupId, userId: other.member.id })).toEqual({
      ok: false,
      reason: "not_member",
    });
    expect(await removeGroupMember(acme.current, { groupId: other.groupId, userId: other.member.id })).toEqual({
      ok: false,
      reason: "not_found",
    });

    expect((await db.select().from(roles)).map((role) => role.name)).toEqual(["Administrator", "Administrator"]);
    expect((await db.select().from(groups)).map((group) => group.name)).toEqual(["Team", "Team"]);
    expect(await db.select().from(groupMembers)).toHaveLength(2);
    expect(await db.select().from(auditEvents)).toEqual([]);
  });

  it("a role of another organisation ticked on a group is dropped, and the audit log records what the group carries", async () => {
    const acme = await organisation("Acme");
    const other = await organisation("Elsewhere");

    expect(
      await updateGroup(acme.current, { groupId: acme.groupId, name: "Team", roleIds: [acme.roleId, other.roleId] }),
    ).toEqual({ ok: true });
    const [event] = await db.select().from(auditEvents);
    expect(event).toMatchObject({
      type: "group.updated",
      details: { group: acme.groupId, name: "Team", roles: String(acme.roleId) },
    });
  });
});
