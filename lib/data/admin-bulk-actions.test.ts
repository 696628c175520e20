import { beforeEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import type * as UserStateModule from "@/lib/two-factor/policy/user-state";
import type * as UserLinksModule from "@/lib/data/admin-user-links";
import { auditEvents, organisations, outbox, PERMISSIONS, roles, userRoles, users } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { createSession, listSessionsOfUser } from "@/lib/auth/sessions";
import { MATCH_COUNT_CAP } from "@/lib/admin/user-directory";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

/** Run once, just after the runner's next look at someone's requirement: another administrator's change, mid-run. */
let meanwhile: (() => Promise<void>) | null = null;
vi.mock("@/lib/two-factor/policy/user-state", async (original) => {
  const actual = await original<typeof UserStateModule>();
  return {
    ...actual,
    twoFactorStateOfUser: async (...args: Parameters<typeof actual.twoFactorStateOfUser>) => {
      const state = await actual.twoFactorStateOfUser(...args);
      const change = meanwhile;
      meanwhile = null;
      await change?.();
      return state;
    },
  };
});

/** When set, each setup-link send waits here until this many have arrived: two batches side by side, for sure. */
let sendsTogether = 0;
let arrived: Array<() => void> = [];
vi.mock("@/lib/data/admin-user-links", async (original) => {
  const actual = await original<typeof UserLinksModule>();
  return {
    ...actual,
    sendSetupLink: async (...args: Parameters<typeof actual.sendSetupLink>) => {
      if (sendsTogether > 0) {
        await new Promise<void>((resolve) => {
          arrived.push(resolve);
          if (arrived.length === sendsTogether) for (const go of arrived) go();
        });
      }
      return actual.sendSetupLink(...args);
    },
  };
});

const { runBulkBatch, bulkSelectionCount } = await import("@/lib/data/admin-bulk-actions");
type BulkBatchResult = NonNullable<Awaited<ReturnType<typeof runBulkBatch>>>;

const context = { ip: null, userAgent: null };

/**
 * An organisation with a full administrator, a user administrator (users:*
 * only, the actor), a member with an authenticator code fallback, a member
 * with nothing, and an API account.
 */
async function organisation(name: string) {
  const organisationId = (await db.insert(organisations).values({ name, twoFactorGraceDays: 14 }).returning())[0]!.id;
  const fullAdmin = await insertUser(db, { organisationId, name: `${name} Ada Admin` });
  const actor = await insertUser(db, { organisationId, name: `${name} user admin` });
  const member = await insertUser(db, { organisationId, name: `${name} member`, codesEnabledAt: new Date() });
  const plain = await insertUser(db, { organisationId, name: `${name} plain` });
  const api = await insertUser(db, { organisationId, name: `${name} api`, isApiAccount: true });
  const full = (
    await db
      .insert(roles)
      .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
      .returning()
  )[0]!.id;
  const userAdmin = (
    await db
      .insert(roles)
      .values({ organisationId, name: "User admin", permissions: ["users:read", "users:manage"] })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values([
    { userId: fullAdmin.id, roleId: full },
    { userId: actor.id, roleId: userAdmin },
  ]);
  await createSession(db, { userId: actor.id, stage: "active", context });
  for (const person of [member, plain, fullAdmin])
    await createSession(db, { userId: person.id, stage: "active", context });
  const current = {
    user: { id: actor.id, organisationId, name: `${name} user admin`, email: actor.email },
    organisation: { id: organisationId, name },
    session: { tokenHash: (await listSessionsOfUser(db, actor.id))[0]!.tokenHash },
    context,
  } as unknown as CurrentSession;
  return { organisationId, current, fullAdmin, actor, member, plain, api };
}

/** "plain" is required to use 2FA and has none yet: in grace, owing a setup. */
async function plainInGrace(acme: Awaited<ReturnType<typeof organisation>>) {
  // Where codes are allowed, required people are protected by emailed codes: nobody would owe a setup.
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, acme.organisationId));
  await db
    .update(users)
    .set({ twoFactorRequirement: "required", twoFactorRequiredSince: new Date() })
    .where(eq(users.id, acme.plain.id));
}

async function eventsOf(type: string) {
  return await db
    .select({ targetUserId: auditEvents.targetUserId, actorUserId: auditEvents.actorUserId })
    .from(auditEvents)
    .where(eq(auditEvents.type, type));
}

describe("the bulk action runner", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("signs out those it may and lists the higher-ranked administrator and the actor as skipped, with reasons", async () => {
    const acme = await organisation("Acme");
    const ids = [acme.fullAdmin.id, acme.actor.id, acme.member.id, acme.plain.id];
    const result = await runBulkBatch(acme.current, "signOut", { ids });
    expect(result!.done.map((target) => target.id).sort()).toEqual([acme.member.id, acme.plain.id].sort());
    expect(result!.skipped).toEqual([
      { id: acme.fullAdmin.id, name: "Acme Ada Admin", reason: "outranks" },
      { id: acme.actor.id, name: "Acme user admin", reason: "own_account" },
    ]);
    // The administrator's sessions are untouched, and the actor is still signed in.
    expect(await listSessionsOfUser(db, acme.fullAdmin.id)).toHaveLength(1);
    expect(await listSessionsOfUser(db, acme.actor.id)).toHaveLength(1);
    expect(await listSessionsOfUser(db, acme.member.id)).toHaveLength(0);
    // One event per affected user, the single action's own; no "access.refused" for a ticked row.
    expect((await eventsOf("user_sessions.revoked")).map((event) => event.targetUserId).sort()).toEqual(
      [acme.member.id, acme.plain.id].sort(),
    );
    expect(await eventsOf("access.refused")).toEqual([]);
  });

  it("refuses ids of another organisation and forged ids, naming nobody and changing nothing there", async () => {
    const acme = await organisation("Acme");
    const globex = await organisation("Globex");
    const result = await runBulkBatch(acme.current, "disable", { ids: [globex.member.id, 999_999, acme.plain.id] });
    expect(result!.done).toEqual([{ id: acme.plain.id, name: "Acme plain" }]);
    expect(result!.skipped).toEqual([
      { id: null, name: `User #${globex.member.id}`, reason: "not_found" },
      { id: null, name: "User #999999", reason: "not_found" },
    ]);
    const [other] = await db.select().from(users).where(eq(users.id, globex.member.id));
    expect(other!.disabledAt).toBeNull();
    expect(await bulkSelectionCount(acme.current, { ids: [globex.member.id, 999_999, acme.plain.id] })).toBe(1);
    const disabled = await eventsOf("user.disabled");
    expect(disabled).toEqual([{ targetUserId: acme.plain.id, actorUserId: acme.actor.id }]);
  });

  it("a replayed batch of setup links does not email anyone twice", async () => {
    const acme = await organisation("Acme");
    const ids = [acme.member.id, acme.plain.id, acme.api.id];
    const first = await runBulkBatch(acme.current, "setupLink", { ids });
    expect(first!.done).toHaveLength(2);
    expect(first!.skipped).toEqual([{ id: acme.api.id, name: "Acme api", reason: "api_account" }]);
    const replay = await runBulkBatch(acme.current, "setupLink", { ids });
    expect(replay!.done).toEqual([]);
    expect(replay!.skipped.map((skip) => skip.reason)).toEqual([
      "setup_link_recent",
      "setup_link_recent",
      "api_account",
    ]);
    const sent = await db.select().from(outbox).where(eq(outbox.channel, "email"));
    expect(sent).toHaveLength(2);
    expect((await eventsOf("setup_link.sent")).map((event) => event.targetUserId).sort()).toEqual(
      [acme.member.id, acme.plain.id].sort(),
    );
  });

  it("two batches at once for the same people send each one setup link, and one reminder", async () => {
    const acme = await organisation("Acme");
    await plainInGrace(acme);
    const ids = [acme.plain.id];
    // Both batches have made every check of their own before either sends.
    sendsTogether = 2;
    const links = await Promise.all([
      runBulkBatch(acme.current, "setupLink", { ids }),
      runBulkBatch(acme.current, "setupLink", { ids }),
    ]);
    sendsTogether = 0;
    arrived = [];
    expect(links.map((batch) => batch!.done.length).sort()).toEqual([0, 1]);
    expect(links.flatMap((batch) => batch!.skipped.map((skip) => skip.reason))).toEqual(["setup_link_recent"]);
    const reminders = await Promise.all([
      runBulkBatch(acme.current, "reminder", { ids }),
      runBulkBatch(acme.current, "reminder", { ids }),
    ]);
    expect(reminders.map((batch) => batch!.done.length).sort()).toEqual([0, 1]);
    const sent = await db.select({ subject: outbox.subject }).from(outbox).where(eq(outbox.channel, "email"));
    expect(sent.filter((email) => !email.subject?.endsWith("set up two-factor authentication"))).toHaveLength(1);
    expect(sent.filter((email) => email.subject?.endsWith("set up two-factor authentication"))).toHaveLength(1);
    expect(await eventsOf("setup_link.sent")).toHaveLength(1);
  });

  it("resets only those with a method, one audit event each, with the reason", async () => {
    const acme = await organisation("Acme");
    const result = await runBulkBatch(
      acme.current,
      "reset",
      { ids: [acme.member.id, acme.plain.id, acme.fullAdmin.id] },
      { reason: "Lost phones after the office move" },
    );
    expect(result!.done).toEqual([{ id: acme.member.id, name: "Acme member" }]);
    expect(result!.skipped.map((skip) => skip.reason)).toEqual(["nothing_to_reset", "outranks"]);
    const [member] = await db.select().from(users).where(eq(users.id, acme.member.id));
    expect(member!.codesEnabledAt).toBeNull();
    expect(await eventsOf("two_factor.reset")).toEqual([{ targetUserId: acme.member.id, actorUserId: acme.actor.id }]);
  });

  it("requires 2FA per user through the single user change, and skips API accounts and those already required", async () => {
    const acme = await organisation("Acme");
    await db.update(users).set({ twoFactorRequirement: "required" }).where(eq(users.id, acme.member.id));
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.plain.id, acme.member.id, acme.api.id] });
    expect(result!.done).toEqual([{ id: acme.plain.id, name: "Acme plain" }]);
    expect(result!.skipped.map((skip) => skip.reason)).toEqual(["already_required", "api_account"]);
    const [plain] = await db.select().from(users).where(eq(users.id, acme.plain.id));
    expect(plain!.twoFactorRequirement).toBe("required");
    expect(await eventsOf("two_factor_requirement.changed")).toEqual([
      { targetUserId: acme.plain.id, actorUserId: acme.actor.id },
    ]);
  });

  it("Require 2FA changes the requirement alone: a role removed meanwhile is not granted back", async () => {
    const acme = await organisation("Acme");
    const nights = (
      await db
        .insert(roles)
        .values({ organisationId: acme.organisationId, name: "Night shift", permissions: [] })
        .returning()
    )[0]!.id;
    await db.insert(userRoles).values({ userId: acme.plain.id, roleId: nights });
    // After the runner read the person, before it acts: another administrator takes the role away.
    meanwhile = async () => {
      await db.delete(userRoles).where(eq(userRoles.userId, acme.plain.id));
    };
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.plain.id] });
    expect(meanwhile).toBeNull();
    expect(result!.done).toEqual([{ id: acme.plain.id, name: "Acme plain" }]);
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, acme.plain.id))).toEqual([]);
    const [plain] = await db.select().from(users).where(eq(users.id, acme.plain.id));
    expect(plain!.twoFactorRequirement).toBe("required");
    // The single change's own event (no "user.updated" rewriting roles), and the grace period starts now.
    expect(await eventsOf("two_factor_requirement.changed")).toEqual([
      { targetUserId: acme.plain.id, actorUserId: acme.actor.id },
    ]);
    expect(await eventsOf("user.updated")).toEqual([]);
    expect(plain!.twoFactorRequiredSince).not.toBeNull();
  });

  it("Require 2FA never writes over a stricter requirement set meanwhile", async () => {
    const acme = await organisation("Acme");
    meanwhile = async () => {
      await db.update(users).set({ twoFactorRequirement: "phishing_resistant" }).where(eq(users.id, acme.plain.id));
    };
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.plain.id] });
    expect(result!.done).toEqual([]);
    expect(result!.skipped.map((skip) => skip.reason)).toEqual(["refused"]);
    const [plain] = await db.select().from(users).where(eq(users.id, acme.plain.id));
    expect(plain!.twoFactorRequirement).toBe("phishing_resistant");
    expect(await eventsOf("two_factor_requirement.changed")).toEqual([]);
  });

  it("someone made an administrator mid-run is skipped with the reason, and the run goes on", async () => {
    const acme = await organisation("Acme");
    const [full] = await db
      .select({ roleId: userRoles.roleId })
      .from(userRoles)
      .where(eq(userRoles.userId, acme.fullAdmin.id));
    // After the runner's rank check on "plain", before the action: another administrator promotes them.
    meanwhile = async () => {
      await db.insert(userRoles).values({ userId: acme.plain.id, roleId: full!.roleId });
    };
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.plain.id, acme.member.id] });
    expect(result!.skipped).toEqual([{ id: acme.plain.id, name: "Acme plain", reason: "may_not_act" }]);
    expect(result!.done).toEqual([{ id: acme.member.id, name: "Acme member" }]);
    const [plain] = await db.select().from(users).where(eq(users.id, acme.plain.id));
    expect(plain!.twoFactorRequirement).toBe("default");
    // Refused as any such change is, and recorded.
    expect(await eventsOf("access.refused")).toEqual([{ targetUserId: acme.plain.id, actorUserId: acme.actor.id }]);
  });

  it("never lowers someone held to phishing-resistant methods, per user or by a role, to plain 'required'", async () => {
    const acme = await organisation("Acme");
    await db.update(users).set({ twoFactorRequirement: "phishing_resistant" }).where(eq(users.id, acme.member.id));
    const strict = (
      await db
        .insert(roles)
        .values({
          organisationId: acme.organisationId,
          name: "Keys only",
          permissions: [],
          requirePhishingResistant: true,
        })
        .returning()
    )[0]!.id;
    await db.insert(userRoles).values({ userId: acme.plain.id, roleId: strict });
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.member.id, acme.plain.id] });
    expect(result!.done).toEqual([]);
    expect(result!.skipped.map((skip) => skip.reason)).toEqual(["already_required", "already_required"]);
    const requirements = await db
      .select({ id: users.id, requirement: users.twoFactorRequirement })
      .from(users)
      .where(eq(users.organisationId, acme.organisationId));
    expect(requirements.find((row) => row.id === acme.member.id)!.requirement).toBe("phishing_resistant");
    expect(requirements.find((row) => row.id === acme.plain.id)!.requirement).toBe("default");
    expect(await eventsOf("two_factor_requirement.changed")).toEqual([]);
  });

  it("never lowers a per-user 'phishing_resistant' while it is dormant (2FA off for the organisation, or an SSO user)", async () => {
    const acme = await organisation("Acme");
    await db.update(users).set({ twoFactorRequirement: "phishing_resistant" }).where(eq(users.id, acme.member.id));
    await db
      .update(users)
      .set({ twoFactorRequirement: "phishing_resistant", ssoIssuer: "https://idp.example.com", ssoSubject: "sub-1" })
      .where(eq(users.id, acme.plain.id));
    await db
      .update(organisations)
      .set({ twoFactorPolicy: "disabled" })
      .where(eq(organisations.id, acme.organisationId));
    const result = await runBulkBatch(acme.current, "require", { ids: [acme.member.id, acme.plain.id] });
    expect(result!.done).toEqual([]);
    expect(result!.skipped.map((skip) => skip.reason)).toEqual(["already_required", "already_required"]);
    const stored = await db
      .select({ requirement: users.twoFactorRequirement })
      .from(users)
      .where(eq(users.organisationId, acme.organisationId));
    expect(stored.filter((row) => row.requirement === "phishing_resistant")).toHaveLength(2);
    expect(await eventsOf("two_factor_requirement.changed")).toEqual([]);
  });

  it("sends a grace reminder once a day to those in grace, and skips those with a factor", async () => {
    const acme = await organisation("Acme");
    await plainInGrace(acme);
    const ids = [acme.plain.id, acme.member.id];
    const first = await runBulkBatch(acme.current, "reminder", { ids });
    expect(first!.done).toEqual([{ id: acme.plain.id, name: "Acme plain" }]);
    expect(first!.skipped.map((skip) => skip.reason)).toEqual(["has_two_factor"]);
    const again = await runBulkBatch(acme.current, "reminder", { ids });
    expect(again!.done).toEqual([]);
    expect(again!.skipped.map((skip) => skip.reason)).toEqual(["already_reminded", "has_two_factor"]);
    expect(await eventsOf("two_factor_reminder.sent")).toEqual([
      { targetUserId: acme.plain.id, actorUserId: acme.actor.id },
    ]);
  });

  it("walks everything a filter matches by id, a batch at a time, and counts the same", async () => {
    const acme = await organisation("Acme");
    // One insert, no password hashing: 55 people without the minute 55 argon2 hashes would take.
    await db.insert(users).values(
      Array.from({ length: 55 }, (_, i) => ({
        organisationId: acme.organisationId,
        name: `Acme bulk ${i}`,
        email: `bulk-${i}@acme.test`,
        passwordHash: "not-a-hash",
      })),
    );
    const search = "q=Acme+bulk";
    expect(await bulkSelectionCount(acme.current, { search })).toBe(55);
    const first = await runBulkBatch(acme.current, "signOut", { search });
    expect(first!.done).toHaveLength(50);
    expect(first!.after).not.toBeNull();
    const second = await runBulkBatch(acme.current, "signOut", { search }, { after: first!.after! });
    expect(second!.done).toHaveLength(5);
    expect(second!.after).toBeNull();
    const targets = new Set([...first!.done, ...second!.done].map((target) => target.id));
    expect(targets.size).toBe(55);
    expect(await bulkSelectionCount(acme.current, { search: "role=999999" })).toBeNull();
  });

  it("the confirmation counts everyone a filter matches beyond the list's cap, as many as the run acts on", async () => {
    const acme = await organisation("Acme");
    const many = MATCH_COUNT_CAP + 5;
    // One insert, no password hashing. Already disabled: "Disable" walks them all and skips each, cheaply.
    await db.insert(users).values(
      Array.from({ length: many }, (_, i) => ({
        organisationId: acme.organisationId,
        name: `Acme many ${i}`,
        email: `many-${i}@acme.test`,
        passwordHash: "not-a-hash",
        twoFactorRequirement: "required" as const,
        disabledAt: new Date(),
      })),
    );
    const search = "requirement=required";
    expect(await bulkSelectionCount(acme.current, { search })).toBe(many);
    let acted = 0;
    let after: number | null = 0;
    while (after !== null) {
      const batch: BulkBatchResult = (await runBulkBatch(acme.current, "disable", { search }, { after }))!;
      acted += batch.done.length + batch.skipped.length;
      after = batch.after;
    }
    expect(acted).toBe(many);
  }, 120_000);
});
