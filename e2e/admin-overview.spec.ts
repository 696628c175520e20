import { eq } from "drizzle-orm";
import { adoptionSnapshots, auditEvents, jobLeases, organisations, users } from "@/db/schema";
import { expect, expectNoAxeViolations, failOnServerErrors, outboxEmails, submitAndWait, test } from "./fixtures";

const DAY = 24 * 60 * 60 * 1000;

test("the overview counts a seeded organisation by 2FA state and links each segment to the filtered users list", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  test.setTimeout(300_000);
  const noServerErrors = failOnServerErrors(page);
  // Codes are not allowed, so people required without an app of their own have no factor yet.
  const admin = await createUser({
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
    totp: true,
    name: "Ada Admin",
  });
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
    // The hourly snapshot job may have recorded today for the new organisation already.
    await db.delete(adoptionSnapshots).where(eq(adoptionSnapshots.organisationId, organisationId));
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

  await test.step("the history chart draws the recorded days, with the numbers in a table", async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
    await db.insert(adoptionSnapshots).values([
      { organisationId, day: day(3), counts: { protected: 1, in_grace: 3, past_grace: 1 } },
      { organisationId, day: day(2), counts: { protected: 1, in_grace: 2, past_grace: 1 } },
      { organisationId, day: day(1), counts: { protected: 2, in_grace: 1, past_grace: 1 } },
    ]);
    await page.goto("/admin");
    const history = page.getByRole("region", { name: "Adoption over the last 90 days" });
    await history.getByText("Show the numbers").click();
    const table = history.getByRole("table", { name: "Adoption by day (UTC)" });
    // The three recorded days, oldest first; the hourly job may add today's after them.
    await expect(table.getByRole("row").nth(1)).toHaveText(`${day(3)}14`);
    await expect(table.getByRole("row").nth(2)).toContainText(day(2));
    await expect(table.getByRole("row").nth(3)).toContainText(day(1));
    // No other day: every row but the header is one of these.
    const shown = new RegExp([day(3), day(2), day(1), day(0)].join("|"));
    await expect(table.getByRole("row").filter({ hasNotText: shown })).toHaveCount(1);
    await expectNoAxeViolations(page);
    await history.screenshot({ path: testInfo.outputPath("admin-overview-history.png") });
  });

  await test.step("a reminder: set N days, the job emails the person in grace once, and not again the same day", async () => {
    await page.goto("/admin/settings");
    const field = page.getByLabel("Remind people N days before their grace period ends");
    await field.fill("31");
    await submitAndWait(page, page.getByRole("button", { name: "Save reminder setting" }));
    await expect(page.getByText("Enter 1 to 30 days, or leave it empty for no reminders.")).toBeVisible();
    await expectNoAxeViolations(page);
    await field.fill("8");
    await submitAndWait(page, page.getByRole("button", { name: "Save reminder setting" }));
    await expect(page.getByText("Saved. People are reminded 8 days before their grace period ends.")).toBeVisible();
    const saved = await db
      .select({ days: organisations.reminderDaysBeforeDeadline })
      .from(organisations)
      .where(eq(organisations.id, organisationId));
    expect(saved[0]!.days).toBe(8);

    // The test hook: the job's lease made due again; the server's runner (ticking each minute) takes it.
    const runRemindersJob = async () => {
      const before = new Date();
      await db.update(jobLeases).set({ lastStartedAt: null }).where(eq(jobLeases.name, "two_factor_reminders"));
      await expect
        .poll(
          async () => {
            const lease = (await db.select().from(jobLeases).where(eq(jobLeases.name, "two_factor_reminders")))[0];
            return Boolean(lease?.lastFinishedAt && lease.lastStartedAt && lease.lastFinishedAt >= before);
          },
          { timeout: 90_000, intervals: [1000] },
        )
        .toBe(true);
    };
    await runRemindersJob();
    const emails = await outboxEmails(db, inGrace.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toContain("set up two-factor authentication");
    expect(await outboxEmails(db, pastGrace.email)).toHaveLength(0);
    await runRemindersJob();
    expect(await outboxEmails(db, inGrace.email)).toHaveLength(1);
    const audited = await db.select().from(auditEvents).where(eq(auditEvents.targetUserId, inGrace.id));
    expect(audited.filter(({ type }) => type === "two_factor_reminder.sent")).toHaveLength(1);
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
