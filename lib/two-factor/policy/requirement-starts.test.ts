import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import {
  groupMembers,
  groupRoles,
  groups,
  organisations,
  PERMISSIONS,
  roles,
  TWO_FACTOR_POLICIES,
  TWO_FACTOR_REQUIREMENTS,
  userRoles,
  users,
} from "@/db/schema";
import { delegatedChange } from "@/lib/admin/delegated-change";
import { applyUserAccessChange } from "@/lib/admin/user-admin";
import { effectiveTwoFactorRequirement } from "@/lib/two-factor/policy/requirement";
import { recordRequirementChanges } from "@/lib/two-factor/policy/requirement-starts";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { mustSetUpNow, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { testDatabase } from "@/test/db";

const T = new Date("2026-10-05T09:00:00Z");
const DAY = 86_400_000;
const at = (ms: number) => new Date(T.getTime() + ms);

let db: Db;
let organisationId: number;
let adminId: number;
let strictRole: number;

function person(columns: Partial<typeof users.$inferInsert> = {}): number {
  return db
    .insert(users)
    .values({
      organisationId,
      email: `p${Math.random().toString(36).slice(2)}@example.com`,
      name: "Person",
      passwordHash: "not used",
      ...columns,
    })
    .returning()
    .get().id;
}
const since = (userId: number) =>
  db.select({ since: users.twoFactorRequiredSince }).from(users).where(eq(users.id, userId)).get()!.since;
const asAdmin = (
  affected: Parameters<typeof delegatedChange>[1]["affected"],
  change: Parameters<typeof delegatedChange>[1]["change"],
  edited?: { roleId: number } | { groupId: number },
) => delegatedChange(db, { organisationId, actorUserId: adminId, affected, edited, change });

beforeEach(() => {
  db = testDatabase();
  // No codes: a required user without an app must set one up (codes need no setup).
  organisationId = db
    .insert(organisations)
    .values({ name: "Acme", allowCode: false, twoFactorGraceDays: 3 })
    .returning()
    .get().id;
  const adminRole = db
    .insert(roles)
    .values({ organisationId, name: "Admin", permissions: [...PERMISSIONS] })
    .returning()
    .get().id;
  strictRole = db.insert(roles).values({ organisationId, name: "Engineer" }).returning().get().id;
  adminId = person();
  db.insert(userRoles).values({ userId: adminId, roleId: adminRole }).run();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T);
});
afterEach(() => vi.useRealTimers());

describe("a requirement that starts while people are signed in", () => {
  it("runs the grace period from the change: within it at T+2d, setup owed at T+3d+1s; a first sign-in at T+2d has 1 day left", () => {
    const signedIn = person();
    const neverSignedIn = person();
    db.insert(userRoles)
      .values([
        { userId: signedIn, roleId: strictRole },
        { userId: neverSignedIn, roleId: strictRole },
      ])
      .run();
    expect(twoFactorStateOfUser(db, signedIn, T).requirement).toEqual({ level: "optional" });

    // At T the role gains "Require two-factor authentication".
    const outcome = asAdmin(
      { roleId: strictRole },
      (tx) => tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run(),
      { roleId: strictRole },
    );
    expect(outcome.ok).toBe(true);
    expect(since(signedIn)).toEqual(T);
    expect(since(neverSignedIn)).toEqual(T);
    expect(since(adminId)).toBeNull();

    // The open session's next requests (the guards ask mustSetUpNow each time).
    expect(twoFactorStateOfUser(db, signedIn, at(2 * DAY)).requirement).toEqual({
      level: "required",
      graceUntil: at(3 * DAY),
    });
    expect(mustSetUpNow(twoFactorStateOfUser(db, signedIn, at(2 * DAY)))).toBe(false);
    expect(mustSetUpNow(twoFactorStateOfUser(db, signedIn, at(3 * DAY - 1)))).toBe(false);
    expect(mustSetUpNow(twoFactorStateOfUser(db, signedIn, at(3 * DAY + 1000)))).toBe(true);

    // Someone signing in for the first time at T+2d: 1 day left, not 3.
    expect(stageAfterPassword(db, neverSignedIn, null, at(2 * DAY)).stage).toBe("setup");
    expect(since(neverSignedIn)).toEqual(T);
    expect(twoFactorStateOfUser(db, neverSignedIn, at(2 * DAY)).requirement).toEqual({
      level: "required",
      graceUntil: at(3 * DAY),
    });
  });

  it("with no grace period, the next request of an open session owes setup", () => {
    db.update(organisations).set({ twoFactorGraceDays: 0 }).where(eq(organisations.id, organisationId)).run();
    const member = person();
    db.insert(userRoles).values({ userId: member, roleId: strictRole }).run();
    expect(mustSetUpNow(twoFactorStateOfUser(db, member, T))).toBe(false);
    asAdmin(
      { roleId: strictRole },
      (tx) => tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run(),
      { roleId: strictRole },
    );
    expect(mustSetUpNow(twoFactorStateOfUser(db, member, at(1000)))).toBe(true);
  });

  it("ends with the requirement, so a later requirement gives a fresh grace period", () => {
    db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run();
    const member = person();
    asAdmin({ userIds: [member] }, (tx) => tx.insert(userRoles).values({ userId: member, roleId: strictRole }).run());
    expect(since(member)).toEqual(T);

    vi.setSystemTime(at(10 * DAY));
    asAdmin(
      { roleId: strictRole },
      (tx) => tx.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, strictRole)).run(),
      { roleId: strictRole },
    );
    expect(since(member)).toBeNull();

    vi.setSystemTime(at(20 * DAY));
    asAdmin(
      { roleId: strictRole },
      (tx) => tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run(),
      { roleId: strictRole },
    );
    expect(since(member)).toEqual(at(20 * DAY));
    expect(twoFactorStateOfUser(db, member, at(21 * DAY)).requirement).toEqual({
      level: "required",
      graceUntil: at(23 * DAY),
    });
  });

  it("starts through a group: a group gaining the role, and someone joining the group", () => {
    db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run();
    const group = db.insert(groups).values({ organisationId, name: "Ops" }).returning().get().id;
    const early = person();
    db.insert(groupMembers).values({ groupId: group, userId: early }).run();
    asAdmin({ groupId: group }, (tx) => tx.insert(groupRoles).values({ groupId: group, roleId: strictRole }).run(), {
      groupId: group,
    });
    expect(since(early)).toEqual(T);

    vi.setSystemTime(at(DAY));
    const late = person();
    asAdmin({ userIds: [late] }, (tx) => tx.insert(groupMembers).values({ groupId: group, userId: late }).run());
    expect(since(late)).toEqual(at(DAY));
    expect(since(early)).toEqual(T);

    // Leaving the group ends it for them.
    asAdmin({ userIds: [early] }, (tx) => tx.delete(groupMembers).where(eq(groupMembers.userId, early)).run());
    expect(since(early)).toBeNull();
  });

  it("starts with a per-user override of Required, for that person only, and ends with Optional", () => {
    const target = person();
    const bystander = person();
    const change = {
      roleIds: [],
      groupIds: [],
      isApiAccount: false,
      codeDelivery: "email" as const,
      removeTwoFactor: false,
    };
    asAdmin({ userIds: [target] }, (tx) =>
      applyUserAccessChange(tx, organisationId, target, { ...change, requirement: "required" }),
    );
    expect([since(target), since(bystander)]).toEqual([T, null]);
    asAdmin({ userIds: [target] }, (tx) =>
      applyUserAccessChange(tx, organisationId, target, { ...change, requirement: "optional" }),
    );
    expect(since(target)).toBeNull();
  });

  it("is undone with a change that is refused", () => {
    db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)).run();
    const member = person();
    // Taking the last administrator's role away is refused: nothing of it stays, the start included.
    const outcome = asAdmin({ userIds: [adminId, member] }, (tx) => {
      tx.insert(userRoles).values({ userId: member, roleId: strictRole }).run();
      tx.delete(userRoles).where(eq(userRoles.userId, adminId)).run();
    });
    expect(outcome).toEqual({ ok: false, lastAdministrator: true });
    expect(since(member)).toBeNull();
  });

  it("starts for the whole organisation with a Required policy, never for another organisation", () => {
    const elsewhere = db
      .insert(organisations)
      .values({ name: "Elsewhere", twoFactorPolicy: "required" })
      .returning()
      .get().id;
    const stranger = db
      .insert(users)
      .values({ organisationId: elsewhere, email: "s@example.com", name: "S", passwordHash: "x" })
      .returning()
      .get().id;
    const members = [
      person(),
      person(),
      person({ isApiAccount: true }),
      person({ ssoSubject: "sso-1" }),
      person({ twoFactorRequirement: "optional" }),
    ];
    db.update(organisations).set({ twoFactorPolicy: "required" }).where(eq(organisations.id, organisationId)).run();
    expect(recordRequirementChanges(db, organisationId)).toEqual({ started: 3, ended: 0 });
    expect(members.map(since)).toEqual([T, T, null, null, null]);
    expect(since(adminId)).toEqual(T);
    expect(since(stranger)).toBeNull();

    db.update(organisations).set({ twoFactorPolicy: "disabled" }).where(eq(organisations.id, organisationId)).run();
    expect(recordRequirementChanges(db, organisationId)).toEqual({ started: 0, ended: 3 });
  });
});

describe("requiredSql agrees with effectiveTwoFactorRequirement", () => {
  it("on every combination of account kind, override, role and policy", () => {
    const rows = TWO_FACTOR_POLICIES.flatMap((organisationPolicy) =>
      [false, true].flatMap((isApiAccount) =>
        [false, true].flatMap((isSsoUser) =>
          TWO_FACTOR_REQUIREMENTS.flatMap((userOverride) =>
            [false, true].map((roleRequiresTwoFactor) => ({
              organisationPolicy,
              isApiAccount,
              isSsoUser,
              userOverride,
              roleRequiresTwoFactor,
            })),
          ),
        ),
      ),
    );
    expect(rows).toHaveLength(96);
    const organisationsByPolicy = new Map(
      TWO_FACTOR_POLICIES.map((policy) => {
        const id = db.insert(organisations).values({ name: policy, twoFactorPolicy: policy }).returning().get().id;
        const role = db
          .insert(roles)
          .values({ organisationId: id, name: "Strict", requireTwoFactor: true })
          .returning()
          .get().id;
        return [policy, { id, role }] as const;
      }),
    );
    const created = rows.map((row, index) => {
      const { id, role } = organisationsByPolicy.get(row.organisationPolicy)!;
      const userId = db
        .insert(users)
        .values({
          organisationId: id,
          email: `c${index}@example.com`,
          name: "C",
          passwordHash: "x",
          isApiAccount: row.isApiAccount,
          ssoSubject: row.isSsoUser ? `sso-${index}` : null,
          twoFactorRequirement: row.userOverride,
        })
        .returning()
        .get().id;
      if (row.roleRequiresTwoFactor) db.insert(userRoles).values({ userId, roleId: role }).run();
      return { row, userId };
    });
    for (const { id } of organisationsByPolicy.values()) recordRequirementChanges(db, id);
    for (const { row, userId } of created) {
      const rule =
        effectiveTwoFactorRequirement({ ...row, graceDays: 0, requiredSince: null, now: T }).level === "required";
      expect({ ...row, recorded: since(userId) !== null }).toEqual({ ...row, recorded: rule });
    }
  });
});
