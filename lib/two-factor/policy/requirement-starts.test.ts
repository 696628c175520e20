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

async function person(columns: Partial<typeof users.$inferInsert> = {}): Promise<number> {
  return (
    await db
      .insert(users)
      .values({
        organisationId,
        email: `p${Math.random().toString(36).slice(2)}@example.com`,
        name: "Person",
        passwordHash: "not used",
        ...columns,
      })
      .returning()
  )[0]!.id;
}
const since = async (userId: number) =>
  (await db.select({ since: users.twoFactorRequiredSince }).from(users).where(eq(users.id, userId)))[0]!.since;
const asAdmin = async (
  affected: Parameters<typeof delegatedChange>[1]["affected"],
  change: Parameters<typeof delegatedChange>[1]["change"],
  edited?: { roleId: number } | { groupId: number },
) => await delegatedChange(db, { organisationId, actorUserId: adminId, affected, edited, change });

beforeEach(async () => {
  db = testDatabase();
  // No codes: a required user without an app must set one up (codes need no setup).
  organisationId = (
    await db.insert(organisations).values({ name: "Acme", allowCode: false, twoFactorGraceDays: 3 }).returning()
  )[0]!.id;
  const adminRole = (
    await db
      .insert(roles)
      .values({ organisationId, name: "Admin", permissions: [...PERMISSIONS] })
      .returning()
  )[0]!.id;
  strictRole = (await db.insert(roles).values({ organisationId, name: "Engineer" }).returning())[0]!.id;
  adminId = await person();
  await db.insert(userRoles).values({ userId: adminId, roleId: adminRole });
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T);
});
afterEach(() => vi.useRealTimers());

describe("a requirement that starts while people are signed in", () => {
  it("runs the grace period from the change: within it at T+2d, setup owed at T+3d+1s; a first sign-in at T+2d has 1 day left", async () => {
    const signedIn = await person();
    const neverSignedIn = await person();
    await db.insert(userRoles).values([
      { userId: signedIn, roleId: strictRole },
      { userId: neverSignedIn, roleId: strictRole },
    ]);
    expect((await twoFactorStateOfUser(db, signedIn, T)).requirement).toEqual({ level: "optional" });

    // At T the role gains "Require two-factor authentication".
    const outcome = await asAdmin(
      { roleId: strictRole },
      async (tx) => await tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)),
      { roleId: strictRole },
    );
    expect(outcome.ok).toBe(true);
    expect(await since(signedIn)).toEqual(T);
    expect(await since(neverSignedIn)).toEqual(T);
    expect(await since(adminId)).toBeNull();

    // The open session's next requests (the guards ask mustSetUpNow each time).
    expect((await twoFactorStateOfUser(db, signedIn, at(2 * DAY))).requirement).toEqual({
      level: "required",
      graceUntil: at(3 * DAY),
      phishingResistantOnly: false,
    });
    expect(mustSetUpNow(await twoFactorStateOfUser(db, signedIn, at(2 * DAY)))).toBe(false);
    expect(mustSetUpNow(await twoFactorStateOfUser(db, signedIn, at(3 * DAY - 1)))).toBe(false);
    expect(mustSetUpNow(await twoFactorStateOfUser(db, signedIn, at(3 * DAY + 1000)))).toBe(true);

    // Someone signing in for the first time at T+2d: 1 day left, not 3.
    expect((await stageAfterPassword(db, neverSignedIn, null, at(2 * DAY))).stage).toBe("setup");
    expect(await since(neverSignedIn)).toEqual(T);
    expect((await twoFactorStateOfUser(db, neverSignedIn, at(2 * DAY))).requirement).toEqual({
      level: "required",
      graceUntil: at(3 * DAY),
      phishingResistantOnly: false,
    });
  });

  it("with no grace period, the next request of an open session owes setup", async () => {
    await db.update(organisations).set({ twoFactorGraceDays: 0 }).where(eq(organisations.id, organisationId));
    const member = await person();
    await db.insert(userRoles).values({ userId: member, roleId: strictRole });
    expect(mustSetUpNow(await twoFactorStateOfUser(db, member, T))).toBe(false);
    await asAdmin(
      { roleId: strictRole },
      async (tx) => await tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)),
      { roleId: strictRole },
    );
    expect(mustSetUpNow(await twoFactorStateOfUser(db, member, at(1000)))).toBe(true);
  });

  it("ends with the requirement, so a later requirement gives a fresh grace period", async () => {
    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole));
    const member = await person();
    await asAdmin(
      { userIds: [member] },
      async (tx) => await tx.insert(userRoles).values({ userId: member, roleId: strictRole }),
    );
    expect(await since(member)).toEqual(T);

    vi.setSystemTime(at(10 * DAY));
    await asAdmin(
      { roleId: strictRole },
      async (tx) => await tx.update(roles).set({ requireTwoFactor: false }).where(eq(roles.id, strictRole)),
      { roleId: strictRole },
    );
    expect(await since(member)).toBeNull();

    vi.setSystemTime(at(20 * DAY));
    await asAdmin(
      { roleId: strictRole },
      async (tx) => await tx.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole)),
      { roleId: strictRole },
    );
    expect(await since(member)).toEqual(at(20 * DAY));
    expect((await twoFactorStateOfUser(db, member, at(21 * DAY))).requirement).toEqual({
      level: "required",
      graceUntil: at(23 * DAY),
      phishingResistantOnly: false,
    });
  });

  it("starts through a group: a group gaining the role, and someone joining the group", async () => {
    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole));
    const group = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!.id;
    const early = await person();
    await db.insert(groupMembers).values({ groupId: group, userId: early });
    await asAdmin(
      { groupId: group },
      async (tx) => await tx.insert(groupRoles).values({ groupId: group, roleId: strictRole }),
      {
        groupId: group,
      },
    );
    expect(await since(early)).toEqual(T);

    vi.setSystemTime(at(DAY));
    const late = await person();
    await asAdmin(
      { userIds: [late] },
      async (tx) => await tx.insert(groupMembers).values({ groupId: group, userId: late }),
    );
    expect(await since(late)).toEqual(at(DAY));
    expect(await since(early)).toEqual(T);

    // Leaving the group ends it for them.
    await asAdmin(
      { userIds: [early] },
      async (tx) => await tx.delete(groupMembers).where(eq(groupMembers.userId, early)),
    );
    expect(await since(early)).toBeNull();
  });

  it("starts with a per-user override of Required, for that person only, and ends with Optional", async () => {
    const target = await person();
    const bystander = await person();
    const change = {
      roleIds: [],
      groupIds: [],
      isApiAccount: false,
      codeDelivery: "email" as const,
      removeTwoFactor: false,
    };
    await asAdmin(
      { userIds: [target] },
      async (tx) => await applyUserAccessChange(tx, organisationId, target, { ...change, requirement: "required" }),
    );
    expect([await since(target), await since(bystander)]).toEqual([T, null]);
    await asAdmin(
      { userIds: [target] },
      async (tx) => await applyUserAccessChange(tx, organisationId, target, { ...change, requirement: "optional" }),
    );
    expect(await since(target)).toBeNull();
  });

  it("is undone with a change that is refused", async () => {
    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, strictRole));
    const member = await person();
    // Taking the last administrator's role away is refused: nothing of it stays, the start included.
    const outcome = await asAdmin({ userIds: [adminId, member] }, async (tx) => {
      await tx.insert(userRoles).values({ userId: member, roleId: strictRole });
      await tx.delete(userRoles).where(eq(userRoles.userId, adminId));
    });
    expect(outcome).toEqual({ ok: false, lastAdministrator: true });
    expect(await since(member)).toBeNull();
  });

  it("starts for the whole organisation with a Required policy, never for another organisation", async () => {
    const elsewhere = (
      await db.insert(organisations).values({ name: "Elsewhere", twoFactorPolicy: "required" }).returning()
    )[0]!.id;
    const stranger = (
      await db
        .insert(users)
        .values({ organisationId: elsewhere, email: "s@example.com", name: "S", passwordHash: "x" })
        .returning()
    )[0]!.id;
    const members = [
      await person(),
      await person(),
      await person({ isApiAccount: true }),
      await person({ ssoSubject: "sso-1" }),
      await person({ twoFactorRequirement: "optional" }),
    ];
    await db.update(organisations).set({ twoFactorPolicy: "required" }).where(eq(organisations.id, organisationId));
    expect(await recordRequirementChanges(db, organisationId)).toEqual({ started: 3, ended: 0 });
    expect(await Promise.all(members.map(since))).toEqual([T, T, null, null, null]);
    expect(await since(adminId)).toEqual(T);
    expect(await since(stranger)).toBeNull();

    await db.update(organisations).set({ twoFactorPolicy: "disabled" }).where(eq(organisations.id, organisationId));
    expect(await recordRequirementChanges(db, organisationId)).toEqual({ started: 0, ended: 3 });
  });
});

describe("requiredSql agrees with effectiveTwoFactorRequirement", () => {
  it("on every combination of account kind, override, role and policy", async () => {
    const rows = TWO_FACTOR_POLICIES.flatMap((organisationPolicy) =>
      [false, true].flatMap((isApiAccount) =>
        [false, true].flatMap((isSsoUser) =>
          TWO_FACTOR_REQUIREMENTS.flatMap((userOverride) =>
            (["none", "two_factor", "phishing_resistant"] as const).map((role) => ({
              organisationPolicy,
              isApiAccount,
              isSsoUser,
              userOverride,
              roleRequiresTwoFactor: role !== "none",
              roleRequiresPhishingResistant: role === "phishing_resistant",
            })),
          ),
        ),
      ),
    );
    expect(rows).toHaveLength(180);
    const organisationsByPolicy = new Map(
      await Promise.all(
        TWO_FACTOR_POLICIES.map(async (policy) => {
          const id = (await db.insert(organisations).values({ name: policy, twoFactorPolicy: policy }).returning())[0]!
            .id;
          const role = (
            await db.insert(roles).values({ organisationId: id, name: "Strict", requireTwoFactor: true }).returning()
          )[0]!.id;
          // Phishing-resistant only, without the 2FA box: it requires 2FA all the same.
          const phishingResistantRole = (
            await db
              .insert(roles)
              .values({ organisationId: id, name: "Stricter", requirePhishingResistant: true })
              .returning()
          )[0]!.id;
          return [policy, { id, role, phishingResistantRole }] as const;
        }),
      ),
    );
    const created = [];
    for (const [index, row] of rows.entries()) {
      const { id, role, phishingResistantRole } = organisationsByPolicy.get(row.organisationPolicy)!;
      const userId = (
        await db
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
      )[0]!.id;
      if (row.roleRequiresTwoFactor)
        await db
          .insert(userRoles)
          .values({ userId, roleId: row.roleRequiresPhishingResistant ? phishingResistantRole : role });
      created.push({ row, userId });
    }
    for (const { id } of organisationsByPolicy.values()) await recordRequirementChanges(db, id);
    for (const { row, userId } of created) {
      const rule =
        effectiveTwoFactorRequirement({ ...row, graceDays: 0, requiredSince: null, now: T }).level === "required";
      expect({ ...row, recorded: (await since(userId)) !== null }).toEqual({ ...row, recorded: rule });
    }
  });
});
