import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, emailLinks, organisations, outbox, roles, userRoles, users } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { insertUser, testDatabase } from "@/test/db";
import { getAuditLogPage } from "@/lib/data/audit-log";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));
// refuse() ends in Next's forbidden(): here, a recognisable throw.
vi.mock("next/navigation", () => ({
  forbidden: () => {
    throw new Error("403");
  },
}));

const { createApiAccountFor } = await import("@/lib/data/admin-user-api-accounts");

/** An actor holding `permissions` through one role, and the organisation's roles. */
async function setUp() {
  const organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
  const role = async (name: string, permissions: Array<"users:read" | "users:manage" | "settings:manage">) =>
    (await db.insert(roles).values({ organisationId, name, permissions }).returning())[0]!.id;
  const userAdmin = await role("User admin", ["users:read", "users:manage"]);
  const reader = await role("Reader", ["users:read"]);
  const settings = await role("Settings", ["settings:manage"]);
  const actor = await insertUser(db, { organisationId, name: "Ada" });
  await db.insert(userRoles).values({ userId: actor.id, roleId: userAdmin });
  const current = {
    user: { id: actor.id, organisationId, name: "Ada", email: actor.email },
    organisation: { id: organisationId, name: "Acme" },
    session: { tokenHash: "x" },
    context: { ip: null, userAgent: null },
  } as unknown as CurrentSession;
  return { organisationId, current, roles: { userAdmin, reader, settings } };
}

describe("createApiAccountFor", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("creates an API account in the actor's organisation, with no password, no invitation and no email, audited", async () => {
    const { organisationId, current, roles: ids } = await setUp();
    const { id } = await createApiAccountFor(current, { name: "Billing sync", roleIds: [ids.reader], groupIds: [] });
    const account = (await db.select().from(users).where(eq(users.id, id)))[0]!;
    expect(account).toMatchObject({ organisationId, name: "Billing sync", isApiAccount: true, passwordHash: null });
    expect(account.email).toMatch(/^billing-sync\.[0-9a-f]{8}@api-accounts\.invalid$/);
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, id))).toEqual([
      { userId: id, roleId: ids.reader },
    ]);
    expect(await db.select().from(emailLinks).where(eq(emailLinks.userId, id))).toEqual([]);
    expect(await db.select().from(outbox)).toEqual([]);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.type, "api_account.created"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorUserId: current.user.id, targetUserId: id });
    expect(events[0]!.details).toMatchObject({ name: "Billing sync", roles: String(ids.reader), groups: "" });
    // The log reads the grant by name, as any admin reviewing it would see it.
    const { events: logged } = await getAuditLogPage(current, {});
    const created = logged.find((event) => event.type === "api_account.created")!;
    expect(created.changes).toContainEqual(expect.objectContaining({ after: "Reader" }));
  });

  it("refuses, with 403 and an audit row, a role carrying permissions the actor does not hold", async () => {
    const { current, roles: ids } = await setUp();
    await expect(
      createApiAccountFor(current, { name: "Sneaky", roleIds: [ids.settings], groupIds: [] }),
    ).rejects.toThrow("403");
    expect(await db.select().from(users).where(eq(users.name, "Sneaky"))).toEqual([]);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.type, "access.refused"))).toHaveLength(1);
  });

  it("never puts the account in another organisation's roles", async () => {
    const { current } = await setUp();
    const otherOrganisation = (await db.insert(organisations).values({ name: "Other" }).returning())[0]!.id;
    const foreign = (
      await db.insert(roles).values({ organisationId: otherOrganisation, name: "Foreign", permissions: [] }).returning()
    )[0]!.id;
    const { id } = await createApiAccountFor(current, { name: "Robot", roleIds: [foreign], groupIds: [] });
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, id))).toEqual([]);
  });
});
