import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { organisations, roles, userRoles } from "@/db/schema";
import type { Permission } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const { getRolePage, getRolesPage } = await import("@/lib/data/roles");

/** An actor holding exactly `permissions`, and a role "Reader" held by one member. */
async function setUp(permissions: Permission[]) {
  const organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
  const actor = await insertUser(db, { organisationId, name: "Roles keeper" });
  const member = await insertUser(db, { organisationId, name: "Rita Reader" });
  const role = async (name: string, granted: Permission[]) =>
    (await db.insert(roles).values({ organisationId, name, permissions: granted }).returning())[0]!.id;
  await db.insert(userRoles).values({ userId: actor.id, roleId: await role("Keeper", permissions) });
  const readerId = await role("Reader", []);
  await db.insert(userRoles).values({ userId: member.id, roleId: readerId });
  const current = {
    user: { id: actor.id, organisationId, name: "Roles keeper" },
    organisation: { id: organisationId, name: "Acme" },
    context: { ip: null, userAgent: null },
  } as unknown as CurrentSession;
  return { current, readerId };
}

describe("a role's page", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("lists who holds the role to an actor who may read users", async () => {
    const { current, readerId } = await setUp(["roles:manage", "users:read"]);
    const page = await getRolePage(current, readerId);
    expect(page?.holderList?.map((holder) => holder.name)).toEqual(["Rita Reader"]);
  });

  it("gives only the count to an actor who manages roles but may not read users", async () => {
    const { current, readerId } = await setUp(["roles:manage"]);
    const page = await getRolePage(current, readerId);
    expect(page?.role.holders).toBe(1);
    expect(page?.holderList).toBeNull();
  });

  it("the roles table counts each role's holders (on PostgreSQL too, whose subqueries need a name)", async () => {
    const { current } = await setUp(["roles:manage"]);
    const page = await getRolesPage(current);
    expect(Object.fromEntries(page.roles.map((role) => [role.name, role.holders]))).toEqual({ Keeper: 1, Reader: 1 });
  });
});
