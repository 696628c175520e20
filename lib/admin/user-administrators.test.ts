import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { emailLinks, organisations, PERMISSIONS, roles, userRoles, users, type Permission } from "@/db/schema";
import { administratorsWhoMayActOn } from "@/lib/admin/user-administrators";
import { insertUser, testDatabase } from "@/test/db";

describe("who is asked for help with a user's account", () => {
  let db: Db;
  let organisationId: number;
  const role = async (permissions: Permission[]) =>
    (
      await db
        .insert(roles)
        .values({ organisationId, name: `Role ${Math.random()}`, permissions })
        .returning()
    )[0]!.id;
  const person = async (name: string, permissions: Permission[], columns: Partial<typeof users.$inferInsert> = {}) => {
    const user = await insertUser(db, { organisationId, name, ...columns });
    if (permissions.length) await db.insert(userRoles).values({ userId: user.id, roleId: await role(permissions) });
    return user.id;
  };

  let administrator: number;
  let secondAdministrator: number;
  let helpdesk: number;
  let reader: number;
  let member: number;

  beforeEach(async () => {
    db = testDatabase();
    organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    administrator = await person("Administrator", [...PERMISSIONS]);
    secondAdministrator = await person("Second administrator", [...PERMISSIONS]);
    helpdesk = await person("Helpdesk", ["users:read", "users:manage"]);
    reader = await person("Reader", ["users:read", "audit:read"]);
    member = await person("Member", []);
  });

  const names = async (targetUserId: number) =>
    (await administratorsWhoMayActOn(db, organisationId, targetUserId)).map((admin) => admin.name);

  it("asks everyone holding users:manage who may act on a member, and nobody else", async () => {
    expect(await names(member)).toEqual(["Administrator", "Second administrator", "Helpdesk"]);
  });

  it("leaves out a helpdesk administrator for someone who outranks them, and the person themselves", async () => {
    expect(await names(administrator)).toEqual(["Second administrator"]);
    expect(await names(helpdesk)).toEqual(["Administrator", "Second administrator"]);
    expect(await names(reader)).toEqual(["Administrator", "Second administrator"]);
  });

  it("leaves out disabled accounts, API accounts, pending invitations and other organisations", async () => {
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, secondAdministrator));
    await person("API admin", [...PERMISSIONS], { isApiAccount: true });
    const invited = await person("Invited admin", [...PERMISSIONS], { passwordHash: null });
    await db.insert(emailLinks).values({
      organisationId,
      userId: invited,
      purpose: "invitation",
      tokenHash: "invitation-hash",
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const elsewhere = await insertUser(db, { name: "Elsewhere" });
    await db.insert(userRoles).values({ userId: elsewhere.id, roleId: await role([...PERMISSIONS]) });
    expect(await names(member)).toEqual(["Administrator", "Helpdesk"]);
  });
});
