import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { auditEvents, groupMembers, groups, organisations, passkeys, users, type Permission } from "@/db/schema";
import { expect, expectNoAxeViolations, test } from "./fixtures";

const ADMIN: Permission[] = ["users:read", "users:manage", "audit:read"];
const DAY = 24 * 60 * 60 * 1000;

/** The names in the users table, in its order. */
async function listedNames(page: Page): Promise<string[]> {
  return page.locator("tbody").getByRole("link").allTextContents();
}

/** A simple CSV parse for files whose cells hold no line breaks: enough for these rows. */
function parseCsv(text: string): string[][] {
  return text
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => {
      const cells: string[] = [];
      let cell = "";
      let quoted = false;
      for (let index = 0; index < line.length; index++) {
        const char = line[index]!;
        if (quoted && char === '"' && line[index + 1] === '"') {
          cell += '"';
          index++;
        } else if (char === '"') quoted = !quoted;
        else if (char === "," && !quoted) {
          cells.push(cell);
          cell = "";
        } else cell += char;
      }
      cells.push(cell);
      return cells;
    });
}

async function download(page: Page): Promise<string[][]> {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  return parseCsv(await readFile((await file.path())!, "utf8"));
}

test.describe("the users list's filters", () => {
  test("each filter narrows the list, the address holds it, and a bad value is named", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const admin = await createUser({ permissions: ADMIN, name: "Zed Admin" });
    const organisationId = admin.organisationId;
    // Codes not allowed: where they are, someone required gets them by email and counts as protected (as on /admin).
    await db
      .update(organisations)
      .set({ twoFactorGraceDays: 7, allowCode: false })
      .where(eq(organisations.id, organisationId));
    const app = await createUser({ organisationId, name: "Ann App", totp: true });
    const codes = await createUser({ organisationId, name: "Pat Passkey" });
    await db.insert(passkeys).values({
      userId: codes.id,
      credentialId: `e2e-${codes.id}`,
      publicKey: "key",
      deviceType: "multi_device",
      name: "Phone",
    });
    const late = await createUser({ organisationId, name: "Lee Late", columns: { twoFactorRequirement: "required" } });
    const soon = await createUser({ organisationId, name: "Sam Soon", columns: { twoFactorRequirement: "required" } });
    const now = Date.now();
    await db
      .update(users)
      .set({ twoFactorRequiredSince: new Date(now - 10 * DAY) })
      .where(eq(users.id, late.id));
    await db
      .update(users)
      .set({ twoFactorRequiredSince: new Date(now - 6 * DAY) })
      .where(eq(users.id, soon.id));
    await db
      .update(users)
      .set({ lastSignInAt: new Date("2020-01-01T00:00:00Z") })
      .where(eq(users.id, app.id));
    await db
      .update(users)
      .set({ lastSignInAt: new Date(now) })
      .where(eq(users.id, codes.id));
    await db
      .update(users)
      .set({ lastSignInAt: new Date(now) })
      .where(eq(users.id, late.id));
    await db
      .update(users)
      .set({ lastSignInAt: new Date(now) })
      .where(eq(users.id, soon.id));
    await db
      .update(users)
      .set({ lastSignInAt: new Date(now) })
      .where(eq(users.id, admin.id));
    const finance = (await db.insert(groups).values({ organisationId, name: "Finance" }).returning())[0]!;
    await db.insert(groupMembers).values({ groupId: finance.id, userId: codes.id });
    await signInAs(context, admin);

    await test.step("the form filters by status, and the address holds it", async () => {
      await page.goto("/admin/users");
      await expect(page.getByRole("status").filter({ hasText: "5 users in total" })).toBeVisible();
      await page.getByLabel("Two-factor status").selectOption("protected");
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page).toHaveURL(/\/admin\/users\?state=protected$/);
      await expect(page.getByRole("status").filter({ hasText: "2 users match" })).toBeVisible();
      expect(await listedNames(page)).toEqual(["Ann App", "Pat Passkey"]);
      await expect(page.getByLabel("Two-factor status")).toHaveValue("protected");
      await expectNoAxeViolations(page);
      await page.screenshot({ path: test.info().outputPath("users-filtered.png"), fullPage: true });
    });

    await test.step("each other filter narrows the list", async () => {
      const cases: Array<[string, string[]]> = [
        ["state=in_grace", ["Sam Soon"]],
        ["state=past_grace", ["Lee Late"]],
        ["state=optional_without", ["Zed Admin"]],
        ["state=exempt", []],
        ["method=totp", ["Ann App"]],
        ["method=passkey", ["Pat Passkey"]],
        ["requirement=required", ["Lee Late", "Sam Soon"]],
        [`group=${finance.id}`, ["Pat Passkey"]],
        ["graceWithinDays=2", ["Sam Soon"]],
        ["lastSignInBefore=2021-01-01", ["Ann App"]],
        ["state=protected&q=pat", ["Pat Passkey"]],
      ];
      for (const [search, expected] of cases) {
        await page.goto(`/admin/users?${search}`);
        expect(await listedNames(page), search).toEqual(expected);
      }
      await expect(page.getByRole("status").filter({ hasText: "1 user matches" })).toBeVisible();
    });

    await test.step("a value it cannot use is named beside its field, not a server error", async () => {
      const response = await page.goto("/admin/users?graceWithinDays=soon&group=999999999");
      expect(response?.status()).toBe(200);
      await expect(page.getByText("Enter a whole number of days from 0 to 3650.")).toBeVisible();
      await expect(page.getByRole("status").filter({ hasText: "Fix the filters above to see users." })).toBeVisible();
      await expect(page.getByLabel("Grace ends within (days)")).toHaveAttribute("aria-invalid", "true");
      expect(await listedNames(page)).toEqual([]);
      await expectNoAxeViolations(page);
      await page.screenshot({ path: test.info().outputPath("users-filter-error.png"), fullPage: true });
      await page.goto(`/admin/users?group=${finance.id}`);
      await page.getByRole("link", { name: "Clear filters" }).click();
      await expect(page).toHaveURL(/\/admin\/users$/);
      // Retried: the address changes as the new page starts loading, before its table is there.
      await expect(page.locator("tbody").getByRole("link")).toHaveCount(5);
    });
  });

  test("exports the filtered list and the audit log as formula-safe CSV, audited", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const admin = await createUser({ permissions: ADMIN, name: "Zed Admin" });
    const organisationId = admin.organisationId;
    const ann = await createUser({ organisationId, name: "Ann App", totp: true });
    const eve = await createUser({ organisationId, name: "=SUM(1) Eve", totp: true });
    await createUser({ organisationId, name: "Nora None" });
    await signInAs(context, admin);

    await test.step("the users list, as filtered", async () => {
      await page.goto("/admin/users?state=protected");
      const rows = await download(page);
      expect(rows[0]).toEqual([
        "id",
        "name",
        "email",
        "status",
        "two_factor_set_up",
        "requirement",
        "roles",
        "last_sign_in_at",
      ]);
      expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[4]])).toEqual([
        [String(ann.id), "Ann App", ann.email, "Authenticator app"],
        [String(eve.id), "'=SUM(1) Eve", eve.email, "Authenticator app"],
      ]);
      const events = await db
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.type, "users.exported"), eq(auditEvents.actorUserId, admin.id)));
      expect(events).toEqual([{ details: { search: null, filters: "state=protected" } }]);
    });

    await test.step("the audit log, as filtered", async () => {
      await page.goto("/admin/audit?type=users.exported");
      const rows = await download(page);
      expect(rows[0]).toEqual([
        "id",
        "time",
        "type",
        "event",
        "actor_email",
        "target_email",
        "ip",
        "user_agent",
        "details",
      ]);
      expect(rows.slice(1).map((row) => [row[2], row[3], row[4]])).toEqual([
        ["users.exported", "Users list exported", admin.email],
      ]);
      const exported = await db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.type, "audit.exported"), eq(auditEvents.actorUserId, admin.id)));
      expect(exported).toHaveLength(1);
    });

    await test.step("without the permission, no export", async () => {
      const reader = await createUser({ organisationId, permissions: ["users:read"] });
      await context.clearCookies();
      await signInAs(context, reader);
      const response = await page.request.get("/admin/audit/export");
      expect(response.status()).toBe(403);
    });
  });
});
