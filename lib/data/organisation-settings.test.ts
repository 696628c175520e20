import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, organisations, PERMISSIONS, roles, userRoles } from "@/db/schema";
import type { CurrentSession } from "@/lib/auth/guards";
import { insertUser, testDatabase } from "@/test/db";

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const { getSettingsPage, saveAuditRetention } = await import("@/lib/data/organisation-settings");

const SECRET = "stored-ciphertext-of-the-duo-secret";

async function administrator(organisationName: string): Promise<CurrentSession> {
  const organisationId = (
    await db.insert(organisations).values({ name: organisationName, duoSecretKeyEncrypted: SECRET }).returning()
  )[0]!.id;
  const user = await insertUser(db, { organisationId, name: "Ada" });
  const roleId = (
    await db
      .insert(roles)
      .values({ organisationId, name: "Administrator", permissions: [...PERMISSIONS] })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values({ userId: user.id, roleId });
  return {
    user: { id: user.id, organisationId, name: "Ada" },
    organisation: { id: organisationId, name: organisationName },
    context: { ip: null, userAgent: null },
  } as unknown as CurrentSession;
}

describe("the settings data of /admin/settings", () => {
  beforeEach(() => {
    db = testDatabase();
  });

  it("tells the page that a Duo secret is saved without ever handing it the secret", async () => {
    const page = await getSettingsPage(await administrator("Acme"));
    expect(page.settings.duoSecretKeySaved).toBe(true);
    expect(JSON.stringify(page)).not.toContain(SECRET);
    expect(Object.keys(page.settings)).not.toContain("duoSecretKeyEncrypted");
  });

  it("changes only the actor's own organisation, and audits the change once", async () => {
    const actor = await administrator("Acme");
    const other = await administrator("Elsewhere");
    const retention = async (organisationId: number) =>
      (
        await db
          .select({ days: organisations.auditRetentionDays })
          .from(organisations)
          .where(eq(organisations.id, organisationId))
      )[0]!.days;
    const otherBefore = await retention(other.organisation.id);

    expect(await saveAuditRetention(actor, otherBefore + 30)).toEqual({ previousDays: otherBefore });
    expect(await saveAuditRetention(actor, otherBefore + 30)).toBeNull();

    expect(await retention(actor.organisation.id)).toBe(otherBefore + 30);
    expect(await retention(other.organisation.id)).toBe(otherBefore);
    expect(await db.select().from(auditEvents).where(eq(auditEvents.type, "settings.updated"))).toHaveLength(1);
  });
});
