import type { APIRequestContext } from "@playwright/test";
import { desc, eq } from "drizzle-orm";
import { auditEvents, users } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import { expect, test } from "./fixtures";

type AuditPage = {
  events: Array<{ id: number; type: string; actorEmail: string | null; targetEmail: string | null }>;
  next_cursor: string | null;
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every page of /api/v1/audit for `query`, following next_cursor. */
async function walkAudit(request: APIRequestContext, token: string, query: string): Promise<AuditPage[]> {
  const pages: AuditPage[] = [];
  let cursor: string | null = null;
  do {
    const response = await request.get(`/api/v1/audit?${query}${cursor ? `&cursor=${cursor}` : ""}`, {
      headers: bearer(token),
    });
    expect(response.status(), await response.text()).toBe(200);
    const page = (await response.json()) as AuditPage;
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor && pages.length < 20);
  return pages;
}

test("a token created on the API account's page reads the audit log page by page, and nothing of another organisation", async ({
  page,
  context,
  db,
  request,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage", "audit:read"] });
  const robot = await createUser({
    organisationId: admin.organisationId,
    permissions: ["audit:read"],
    name: "Audit shipper",
  });
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));

  const token = await test.step("the admin creates a token in the UI", async () => {
    await signInAs(context, admin);
    await page.goto(`/admin/users/${robot.id}`);
    const section = page.getByRole("region", { name: "API tokens" });
    await section.getByLabel("Token name").fill("SIEM export");
    await section.getByRole("button", { name: "Create token" }).click();
    const shown = section.getByLabel("New API token");
    await expect(shown).toBeVisible();
    return shown.inputValue();
  });

  await test.step("with a few more events, limit=2 walks the whole log, newest first, each event once", async () => {
    for (const type of ["user.disabled", "user.enabled", "user.disabled"] as const)
      await db.insert(auditEvents).values({ organisationId: admin.organisationId, type, targetUserId: admin.id });
    const stored = (
      await db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(eq(auditEvents.organisationId, admin.organisationId))
        .orderBy(desc(auditEvents.id))
    ).map((row) => row.id);
    expect(stored.length).toBeGreaterThanOrEqual(4);
    const pages = await walkAudit(request, token, "limit=2");
    expect(pages.slice(0, -1).every((one) => one.events.length === 2)).toBe(true);
    expect(pages.flatMap((one) => one.events.map((event) => event.id))).toEqual(stored);
    expect(pages.at(-1)!.next_cursor).toBeNull();
  });

  await test.step("the filters narrow: the token's own creation, by whom and for whom", async () => {
    const created = (await walkAudit(request, token, "type=api_token.created")).flatMap((one) => one.events);
    expect(created).toEqual([
      expect.objectContaining({ type: "api_token.created", actorEmail: admin.email, targetEmail: robot.email }),
    ]);
    const disabled = await walkAudit(request, token, "type=user.disabled&limit=1");
    expect(disabled.map((one) => one.events.length)).toEqual([1, 1]);
  });

  await test.step("a cursor of other filters, a garbled one and a limit out of range are 400s", async () => {
    const first = (await walkAudit(request, token, "limit=1"))[0]!;
    for (const query of [
      `type=user.disabled&limit=1&cursor=${first.next_cursor}`,
      `limit=1&cursor=${first.next_cursor}AA`,
      "limit=0",
      "limit=1000",
    ]) {
      const response = await request.get(`/api/v1/audit?${query}`, { headers: bearer(token) });
      expect(response.status(), query).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_parameter");
    }
  });

  await test.step("another organisation's token sees none of it, and cannot use its cursors", async () => {
    const stranger = await createUser({ permissions: ["audit:read"] });
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, stranger.id));
    const theirs = (await createApiToken(db, { userId: stranger.id, name: "other", createdByUserId: null })).token;
    const seen = (await walkAudit(request, theirs, "limit=200")).flatMap((one) => one.events);
    expect(JSON.stringify(seen)).not.toContain(admin.email);
    expect(JSON.stringify(seen)).not.toContain(robot.email);
    const ours = (await walkAudit(request, token, "limit=1"))[0]!.next_cursor;
    const refused = await request.get(`/api/v1/audit?limit=1&cursor=${ours}`, { headers: bearer(theirs) });
    expect(refused.status()).toBe(400);
  });
});
