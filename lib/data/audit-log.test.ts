import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type * as DbModule from "@/db";
import type { Db } from "@/db";
import { auditEvents, organisations, roles, userRoles } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import type { CurrentSession } from "@/lib/auth/guards";
import { insertUser, testDatabase } from "@/test/db";

/*
 * Webhook audit events recorded before L6 hold the webhook's whole URL, with
 * the receiver's token in its path and query. An auditor reading the log by
 * any of its three ways (the page, its CSV export, /api/v1/audit) sees the
 * URL's origin, never the token.
 */

let db: Db;
vi.mock("@/db", async (original) => ({ ...(await original<typeof DbModule>()), getDb: () => db }));

const { getAuditLogPage } = await import("@/lib/data/audit-log");
const { auditExport } = await import("@/lib/data/exports");
const auditRoute = await import("@/app/api/v1/audit/route");

const OLD_URL = "https://hooks.example.com/T0KEN?key=SECRET";
const SECRETS = ["T0KEN", "SECRET"];

describe("webhook events recorded with the whole URL (before L6)", () => {
  let current: CurrentSession;
  let token: string;
  beforeEach(async () => {
    db = testDatabase();
    const organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    const auditor = await insertUser(db, { organisationId, name: "Audrey" });
    current = {
      user: { id: auditor.id, organisationId, name: "Audrey" },
      organisation: { id: organisationId, name: "Acme" },
      context: { ip: null, userAgent: null },
    } as unknown as CurrentSession;
    const robot = await insertUser(db, { organisationId, name: "Robot", isApiAccount: true, passwordHash: null });
    const role = (
      await db
        .insert(roles)
        .values({ organisationId, name: "API", permissions: ["audit:read"] })
        .returning()
    )[0]!.id;
    await db.insert(userRoles).values({ userId: robot.id, roleId: role });
    token = (await createApiToken(db, { userId: robot.id, name: "SIEM", createdByUserId: null })).token;
    // As the code before L6 wrote them: details { webhookId, url } (and a reason when the breaker disabled it).
    await db.insert(auditEvents).values([
      { organisationId, actorUserId: auditor.id, type: "webhook.created", details: { webhookId: 4, url: OLD_URL } },
      {
        organisationId,
        type: "webhook.disabled",
        details: { webhookId: 4, url: OLD_URL, reason: "consecutive_failures" },
      },
      {
        organisationId,
        actorUserId: auditor.id,
        type: "webhook_test.sent",
        details: { webhookId: 4, url: "not a url" },
      },
    ]);
  });

  const expectNoSecret = (seen: string) => {
    for (const secret of SECRETS) expect(seen).not.toContain(secret);
  };

  it("the /admin/audit page shows the origin only", async () => {
    const page = await getAuditLogPage(current, {});
    const seen = JSON.stringify(page);
    expectNoSecret(seen);
    expect(page.events.map((event) => event.changes)).toContainEqual(
      expect.arrayContaining([{ label: "Origin", after: "https://hooks.example.com" }]),
    );
  });

  it("the CSV export holds the origin only", async () => {
    const csv = await auditExport(current, {});
    const rows: unknown[] = [];
    for await (const batch of csv.batches) rows.push(...batch);
    const seen = JSON.stringify(rows);
    expectNoSecret(seen);
    expect(seen).toContain("hooks.example.com");
  });

  it("GET /api/v1/audit answers the origin only, the rest of the details kept", async () => {
    const response = await auditRoute.GET(
      new NextRequest("http://localhost/api/v1/audit", { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: Array<{ type: string; details: unknown }> };
    expectNoSecret(JSON.stringify(body));
    expect(body.events.map((event) => [event.type, event.details])).toEqual([
      ["webhook_test.sent", { webhookId: 4, origin: "" }],
      ["webhook.disabled", { webhookId: 4, origin: "https://hooks.example.com", reason: "consecutive_failures" }],
      ["webhook.created", { webhookId: 4, origin: "https://hooks.example.com" }],
    ]);
  });
});
