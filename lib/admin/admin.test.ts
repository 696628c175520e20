import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { SqliteDb } from "@/db";
import {
  apiTokens,
  groupMembers,
  groupRoles,
  groups,
  organisations,
  PERMISSIONS,
  roles,
  userRoles,
  users,
} from "@/db/schema";
import { authenticateApiToken, createApiToken } from "@/lib/api/tokens";
import { countFullAdministrators, delegatedChange } from "@/lib/admin/delegated-change";
import { listUsers } from "@/lib/admin/user-directory";
import { applyUserAccessChange, type UserAccessChange } from "@/lib/admin/user-admin";
import { mustSetUpNow, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { insertUser, onPostgres, testDatabase } from "@/test/db";

describe("administration", () => {
  let db: SqliteDb;
  let organisationId: number;
  let adminRole: number;
  let strictRole: number;
  beforeEach(async () => {
    db = testDatabase();
    organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    adminRole = (
      await db
        .insert(roles)
        .values({ organisationId, name: "Admin", permissions: [...PERMISSIONS] })
        .returning()
    )[0]!.id;
    strictRole = (
      await db.insert(roles).values({ organisationId, name: "Strict", requireTwoFactor: true }).returning()
    )[0]!.id;
  });

  it("requires 2FA of a user through a role their group carries", async () => {
    const user = await insertUser(db, { organisationId });
    expect((await twoFactorStateOfUser(db, user.id)).requirement.level).toBe("optional");
    const group = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!;
    await db.insert(groupRoles).values({ groupId: group.id, roleId: strictRole });
    await db.insert(groupMembers).values({ groupId: group.id, userId: user.id });
    const state = await twoFactorStateOfUser(db, user.id);
    expect(state.requirement.level).toBe("required");
    // Codes need no setup; without them, the user must set up an app now.
    expect(state.methods).toEqual(["code"]);
    expect(mustSetUpNow(state)).toBe(false);
    await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, organisationId));
    expect(mustSetUpNow(await twoFactorStateOfUser(db, user.id))).toBe(true);
  });

  it("counts full administrators who can sign in, whether they hold the role directly or through a group", async () => {
    const direct = await insertUser(db, { organisationId });
    await db.insert(userRoles).values({ userId: direct.id, roleId: adminRole });
    expect(await countFullAdministrators(db, organisationId)).toBe(1);
    const viaGroup = await insertUser(db, { organisationId });
    const group = (await db.insert(groups).values({ organisationId, name: "Admins" }).returning())[0]!;
    await db.insert(groupRoles).values({ groupId: group.id, roleId: adminRole });
    await db.insert(groupMembers).values({ groupId: group.id, userId: viaGroup.id });
    expect(await countFullAdministrators(db, organisationId)).toBe(2);
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, viaGroup.id));
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, direct.id));
    expect(await countFullAdministrators(db, organisationId)).toBe(0);
  });

  it("refuses a change that would leave no full administrator, and undoes it", async () => {
    const admin = await insertUser(db, { organisationId });
    await db.insert(userRoles).values({ userId: admin.id, roleId: adminRole });
    const outcome = await delegatedChange(db, {
      organisationId,
      actorUserId: admin.id,
      affected: { userIds: [admin.id] },
      change: async (tx) =>
        await applyUserAccessChange(tx, organisationId, admin.id, {
          roleIds: [],
          groupIds: [],
          requirement: "default",
          isApiAccount: false,
          codeDelivery: "auto",
          removeTwoFactor: false,
        }),
    });
    expect(outcome).toEqual({ ok: false, lastAdministrator: true });
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, admin.id))).toHaveLength(1);
  });

  it("does not count a holder of users:manage alone as a full administrator", async () => {
    const helpdesk = (
      await db
        .insert(roles)
        .values({ organisationId, name: "Helpdesk", permissions: ["users:read", "users:manage"] })
        .returning()
    )[0]!.id;
    const user = await insertUser(db, { organisationId });
    await db.insert(userRoles).values({ userId: user.id, roleId: helpdesk });
    expect(await countFullAdministrators(db, organisationId)).toBe(0);
  });

  it("revokes an account's API tokens when it stops being an API account, so ticking the box again does not revive them", async () => {
    const robot = await insertUser(db, { organisationId });
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));
    const { token } = await createApiToken(db, { userId: robot.id, name: "CI", createdByUserId: null });
    const change = {
      roleIds: [],
      groupIds: [],
      requirement: "default",
      codeDelivery: "auto",
      removeTwoFactor: false,
    } satisfies Omit<UserAccessChange, "isApiAccount">;
    await applyUserAccessChange(db, organisationId, robot.id, { ...change, isApiAccount: false });
    await applyUserAccessChange(db, organisationId, robot.id, { ...change, isApiAccount: true });
    expect(await authenticateApiToken(db, token)).toBeNull();
    expect((await db.select().from(apiTokens).where(eq(apiTokens.userId, robot.id)))[0]!.revokedAt).not.toBeNull();
  });

  it("ignores roles and groups of another organisation in a forged edit", async () => {
    const user = await insertUser(db, { organisationId });
    const otherOrganisation = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    const foreignRole = (
      await db
        .insert(roles)
        .values({ organisationId: otherOrganisation, name: "Theirs", permissions: ["users:manage"] })
        .returning()
    )[0]!.id;
    await applyUserAccessChange(db, organisationId, user.id, {
      roleIds: [foreignRole, strictRole],
      groupIds: [],
      requirement: "default",
      isApiAccount: false,
      codeDelivery: "auto",
      removeTwoFactor: false,
    });
    expect((await db.select().from(userRoles).where(eq(userRoles.userId, user.id))).map((row) => row.roleId)).toEqual([
      strictRole,
    ]);
  });

  it("lists users by name or email prefix, case-insensitively, a page at a time", async () => {
    for (const name of ["Ada Lovelace", "alan Turing", "Grace Hopper", "Barbara Liskov"]) {
      await insertUser(db, { organisationId, name, email: `${name.split(" ")[0]!.toLowerCase()}@example.com` });
    }
    const names = async (q: string) =>
      (await listUsers(db, organisationId, { q, sort: "name", direction: "asc", page: 1 })).rows.map((row) => row.name);
    expect(await names("a")).toEqual(["Ada Lovelace", "alan Turing"]);
    expect(await names("GRACE@")).toEqual(["Grace Hopper"]);
    expect(await names("zzz")).toEqual([]);
    expect(await names("%")).toEqual([]);
    const page = await listUsers(db, organisationId, { q: "", sort: "email", direction: "desc", page: 1 });
    expect(page.rows.map((row) => row.email)[0]).toBe("grace@example.com");
    expect(page.hasMore).toBe(false);
  });

  // Built with SQLite's own statements, for speed: 1,800 rows.
  it.skipIf(onPostgres)("finds a common prefix in last sign-in order page by page, as a full sort would", async () => {
    // More matches than the list sorts whole, so the search walks the sign-in order instead.
    const insert = db.$client.prepare(
      "insert into users (organisation_id, email, name, last_sign_in_at) values (?, ?, ?, ?)",
    );
    for (let index = 0; index < 1_800; index++) {
      const name = `${index % 3 === 0 ? "Other" : "Mia"} ${index}`;
      insert.run(
        organisationId,
        `${name.replace(" ", ".").toLowerCase()}@example.com`,
        name,
        index % 7 === 0 ? null : (index * 7_919) % 100_000,
      );
    }
    const everyMatch = db.$client
      .prepare(
        "select name from users where organisation_id = ? and name like 'mia%' order by last_sign_in_at desc, id desc",
      )
      .pluck()
      .all(organisationId);
    const pages = await Promise.all(
      [1, 2, 17].map(async (page) =>
        (await listUsers(db, organisationId, { q: "MIA", sort: "lastSignIn", direction: "desc", page })).rows.map(
          (row) => row.name,
        ),
      ),
    );
    expect(pages).toEqual([everyMatch.slice(0, 50), everyMatch.slice(50, 100), everyMatch.slice(800, 850)]);
  });
});
