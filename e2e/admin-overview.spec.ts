import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { expect, expectNoAxeViolations, failOnServerErrors, test } from "./fixtures";

const DAY = 24 * 60 * 60 * 1000;

test("the overview counts a seeded organisation by 2FA state and links each segment to the filtered users list", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  const noServerErrors = failOnServerErrors(page);
  // Codes are not allowed, so people required without an app of their own have no factor yet.
  const admin = await createUser({ permissions: ["users:read"], totp: true, name: "Ada Admin" });
  const organisationId = admin.organisationId;
  await db
    .update(organisations)
    .set({ allowCode: false, twoFactorGraceDays: 10 })
    .where(eq(organisations.id, organisationId));
  await createUser({ organisationId, totp: true, name: "Alan App" });
  const inGrace = await createUser({
    organisationId,
    name: "Grace Hopper",
    columns: { twoFactorRequirement: "required" },
  });
  await db
    .update(users)
    .set({ twoFactorRequiredSince: new Date(Date.now() - 3 * DAY) })
    .where(eq(users.id, inGrace.id));
  const pastGrace = await createUser({
    organisationId,
    name: "Pat Past",
    columns: { twoFactorRequirement: "required" },
  });
  await db
    .update(users)
    .set({ twoFactorRequiredSince: new Date(Date.now() - 20 * DAY) })
    .where(eq(users.id, pastGrace.id));
  await createUser({ organisationId, name: "Olive Optional" });
  const api = await createUser({ organisationId, name: "Build bot" });
  await db.update(users).set({ isApiAccount: true, passwordHash: null }).where(eq(users.id, api.id));
  await signInAs(context, admin);

  await test.step("the counts match the seeded organisation", async () => {
    await page.goto("/admin");
    await expect(page.getByRole("heading", { level: 1, name: "Two-factor adoption" })).toBeVisible();
    await expect(
      page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" }),
    ).toHaveAttribute("aria-current", "page");
    const table = page.getByRole("table", { name: /Users by two-factor state \(6 in all\)/ });
    const expected: [string, string][] = [
      ["Protected", "2"],
      ["Protected with Authenticator app", "2"],
      ["Protected with Code by text message or email", "0"],
      ["Protected with Duo", "0"],
      ["Required, in grace period", "1"],
      ["Required, grace period over", "1"],
      ["Optional, without 2FA", "1"],
      ["Exempt", "1"],
    ];
    for (const [label, count] of expected) {
      const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: label, exact: true }) });
      await expect(row.getByRole("cell").first()).toHaveText(count);
    }
    const legend = page.getByRole("list", { name: "Legend" }).first();
    await expect(legend).toContainText("Protected: 2");
    await expect(legend).toContainText("Required, in grace period: 1");
    const deadlines = page.getByRole("region", { name: "Nearest deadlines" });
    await expect(deadlines.getByRole("listitem")).toHaveCount(1);
    await expect(deadlines).toContainText("Grace Hopper");
    await expect(deadlines).toContainText(inGrace.email);
    await expect(page.getByRole("region", { name: "Adoption over the last 90 days" })).toContainText("No history yet");
    await expectNoAxeViolations(page);
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.screenshot({ path: testInfo.outputPath(`admin-overview-${viewport.width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await test.step("each table row and each chart segment leads to the users list filtered to it", async () => {
    const rows: [string, string][] = [
      ["Protected", "state=protected"],
      ["Protected with Authenticator app", "state=protected&method=totp"],
      ["Required, in grace period", "state=in_grace"],
      ["Required, grace period over", "state=past_grace"],
      ["Optional, without 2FA", "state=optional_without"],
      ["Exempt", "state=exempt"],
    ];
    for (const [label, query] of rows) {
      await page.goto("/admin");
      await page.getByRole("table").first().getByRole("link", { name: label, exact: true }).click();
      await expect(page).toHaveURL(new RegExp(`/admin/users\\?${query.replace("?", "\\?")}$`));
    }
    for (const segment of ["protected", "in_grace", "past_grace", "optional_without", "exempt"]) {
      await page.goto("/admin");
      await page.locator(`svg a[href="/admin/users?state=${segment}"]`).click();
      await expect(page).toHaveURL(new RegExp(`/admin/users\\?state=${segment}$`));
    }
  });

  await test.step("someone without users:read is refused the overview and has no link to it", async () => {
    const member = await createUser({ organisationId });
    await context.clearCookies();
    await signInAs(context, member);
    const response = await page.goto("/admin");
    expect(response?.status()).toBe(403);
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Overview" })).toHaveCount(0);
  });
  noServerErrors();
});
