import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
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
import { insertUser, testDatabase } from "@/test/db";

describe("administration", () => {
  let db: Db;
  let organisationId: number;
  let adminRole: number;
  let strictRole: number;
  beforeEach(async () => {
    db = testDatabase();
    organisationId = db.insert(organisations).values({ name: "Acme" }).returning().get().id;
    adminRole = db
      .insert(roles)
      .values({ organisationId, name: "Admin", permissions: [...PERMISSIONS] })
      .returning()
      .get().id;
    strictRole = db
      .insert(roles)
      .values({ organisationId, name: "Strict", requireTwoFactor: true })
      .returning()
      .get().id;
  });

  it("requires 2FA of a user through a role their group carries", async () => {
    const user = await insertUser(db, { organisationId });
    expect(twoFactorStateOfUser(db, user.id).requirement.level).toBe("optional");
    const group = db.insert(groups).values({ organisationId, name: "Ops" }).returning().get();
    db.insert(groupRoles).values({ groupId: group.id, roleId: strictRole }).run();
    db.insert(groupMembers).values({ groupId: group.id, userId: user.id }).run();
    const state = twoFactorStateOfUser(db, user.id);
    expect(state.requirement.level).toBe("required");
    // Codes need no setup; without them, the user must set up an app now.
    expect(state.methods).toEqual(["code"]);
    expect(mustSetUpNow(state)).toBe(false);
    db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, organisationId)).run();
    expect(mustSetUpNow(twoFactorStateOfUser(db, user.id))).toBe(true);
  });

  it("counts full administrators who can sign in, whether they hold the role directly or through a group", async () => {
    const direct = await insertUser(db, { organisationId });
    db.insert(userRoles).values({ userId: direct.id, roleId: adminRole }).run();
    expect(countFullAdministrators(db, organisationId)).toBe(1);
    const viaGroup = await insertUser(db, { organisationId });
    const group = db.insert(groups).values({ organisationId, name: "Admins" }).returning().get();
    db.insert(groupRoles).values({ groupId: group.id, roleId: adminRole }).run();
    db.insert(groupMembers).values({ groupId: group.id, userId: viaGroup.id }).run();
    expect(countFullAdministrators(db, organisationId)).toBe(2);
    db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, viaGroup.id)).run();
    db.update(users).set({ isApiAccount: true }).where(eq(users.id, direct.id)).run();
    expect(countFullAdministrators(db, organisationId)).toBe(0);
  });

  it("refuses a change that would leave no full administrator, and undoes it", async () => {
    const admin = await insertUser(db, { organisationId });
    db.insert(userRoles).values({ userId: admin.id, roleId: adminRole }).run();
    const outcome = delegatedChange(db, {
      organisationId,
      actorUserId: admin.id,
      affected: { userIds: [admin.id] },
      change: (tx) =>
        applyUserAccessChange(tx, organisationId, admin.id, {
          roleIds: [],
          groupIds: [],
          requirement: "default",
          isApiAccount: false,
          codeDelivery: "auto",
          removeTwoFactor: false,
        }),
    });
    expect(outcome).toEqual({ ok: false, lastAdministrator: true });
    expect(db.select().from(userRoles).where(eq(userRoles.userId, admin.id)).all()).toHaveLength(1);
  });

  it("does not count a holder of users:manage alone as a full administrator", async () => {
    const helpdesk = db
      .insert(roles)
      .values({ organisationId, name: "Helpdesk", permissions: ["users:read", "users:manage"] })
      .returning()
      .get().id;
    const user = await insertUser(db, { organisationId });
    db.insert(userRoles).values({ userId: user.id, roleId: helpdesk }).run();
    expect(countFullAdministrators(db, organisationId)).toBe(0);
  });

  it("revokes an account's API tokens when it stops being an API account, so ticking the box again does not revive them", async () => {
    const robot = await insertUser(db, { organisationId });
    db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id)).run();
    const { token } = createApiToken(db, { userId: robot.id, name: "CI", createdByUserId: null });
    const change = {
      roleIds: [],
      groupIds: [],
      requirement: "default",
      codeDelivery: "auto",
      removeTwoFactor: false,
    } satisfies Omit<UserAccessChange, "isApiAccount">;
    applyUserAccessChange(db, organisationId, robot.id, { ...change, isApiAccount: false });
    applyUserAccessChange(db, organisationId, robot.id, { ...change, isApiAccount: true });
    expect(authenticateApiToken(db, token)).toBeNull();
    expect(db.select().from(apiTokens).where(eq(apiTokens.userId, robot.id)).get()!.revokedAt).not.toBeNull();
  });

  it("ignores roles and groups of another organisation in a forged edit", async () => {
    const user = await insertUser(db, { organisationId });
    const otherOrganisation = db.insert(organisations).values({ name: "Other" }).returning().get().id;
    const foreignRole = db
      .insert(roles)
      .values({ organisationId: otherOrganisation, name: "Theirs", permissions: ["users:manage"] })
      .returning()
      .get().id;
    applyUserAccessChange(db, organisationId, user.id, {
      roleIds: [foreignRole, strictRole],
      groupIds: [],
      requirement: "default",
      isApiAccount: false,
      codeDelivery: "auto",
      removeTwoFactor: false,
    });
    expect(
      db
        .select()
        .from(userRoles)
        .where(eq(userRoles.userId, user.id))
        .all()
        .map((row) => row.roleId),
    ).toEqual([strictRole]);
  });

  it("lists users by name or email prefix, case-insensitively, a page at a time", async () => {
    for (const name of ["Ada Lovelace", "alan Turing", "Grace Hopper", "Barbara Liskov"]) {
      await insertUser(db, { organisationId, name, email: `${name.split(" ")[0]!.toLowerCase()}@example.com` });
    }
    const names = (q: string) =>
      listUsers(db, organisationId, { q, sort: "name", direction: "asc", page: 1 }).rows.map((row) => row.name);
    expect(names("a")).toEqual(["Ada Lovelace", "alan Turing"]);
    expect(names("GRACE@")).toEqual(["Grace Hopper"]);
    expect(names("zzz")).toEqual([]);
    expect(names("%")).toEqual([]);
    const page = listUsers(db, organisationId, { q: "", sort: "email", direction: "desc", page: 1 });
    expect(page.rows.map((row) => row.email)[0]).toBe("grace@example.com");
    expect(page.hasMore).toBe(false);
  });

  it("finds a common prefix in last sign-in order page by page, as a full sort would", () => {
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
    const pages = [1, 2, 17].map((page) =>
      listUsers(db, organisationId, { q: "MIA", sort: "lastSignIn", direction: "desc", page }).rows.map(
        (row) => row.name,
      ),
    );
    expect(pages).toEqual([everyMatch.slice(0, 50), everyMatch.slice(50, 100), everyMatch.slice(800, 850)]);
  });
});
