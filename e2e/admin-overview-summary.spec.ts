import { totpCredentials, users } from "@/db/schema";
import { expect, expectNoAxeViolations, failOnServerErrors, submitAndWait, test } from "./fixtures";

// Above lib/admin/adoption-summary.ts's LIVE_COUNT_LIMIT (2,000 users): the overview is served from the summary.
const MEMBERS = 2_000;

test("a large organisation's overview says when it was counted, and Recount now counts it again", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  test.setTimeout(300_000);
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read"], totp: true, name: "Ada Admin" });
  const organisationId = admin.organisationId;
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const inserted: Array<{ id: number }> = [];
  for (let start = 0; start < MEMBERS; start += 500) {
    inserted.push(
      ...(await db
        .insert(users)
        .values(
          Array.from({ length: 500 }, (_, offset) => ({
            organisationId,
            name: `Member ${start + offset}`,
            email: `member-${start + offset}-${stamp}@large.test`,
          })),
        )
        .returning({ id: users.id })),
    );
  }
  await signInAs(context, admin);
  const protectedCount = () =>
    page
      .getByRole("table", { name: /Users by two-factor state/ })
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: "Protected", exact: true }) })
      .getByRole("cell")
      .first();

  await test.step("the counts come from the summary, with the time they were counted", async () => {
    await page.goto("/admin");
    await expect(page.getByRole("table", { name: /\(2,?001 in all\)/ })).toBeVisible();
    await expect(page.getByText(/Counted at .*a large organisation is counted every minute/)).toBeVisible();
    await expect(protectedCount()).toHaveText("1");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("admin-overview-summary.png"), fullPage: true });
  });

  await test.step("Recount now counts a factor set up since", async () => {
    await db.insert(totpCredentials).values({ userId: inserted[0]!.id, secretEncrypted: "x", confirmedAt: new Date() });
    await submitAndWait(page, page.getByRole("button", { name: "Recount now" }));
    await expect(page.getByRole("status").filter({ hasText: "Counted again just now." })).toBeVisible();
    await expect(protectedCount()).toHaveText("2");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("admin-overview-recounted.png"), fullPage: true });
  });

  await test.step("its users list, filtered to one state, counts from the same summary and says when", async () => {
    await page
      .getByRole("table", { name: /Users by two-factor state/ })
      .getByRole("link", { name: "Protected", exact: true })
      .click();
    await expect(page).toHaveURL(/\/admin\/users\?state=protected$/);
    await expect(
      page.getByRole("status").filter({ hasText: /^About 2 users match \(counted at .+; the list itself is live\)$/ }),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Member 0", exact: true })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("admin-users-summary-count.png"), fullPage: true });
    // A search with the filter is counted live, exactly.
    await page.goto("/admin/users?state=protected&q=Member");
    await expect(page.getByRole("status").filter({ hasText: /^1 user matches$/ })).toBeVisible();
  });

  await test.step("the whole list's total comes from the summary too, said 'about'", async () => {
    await page.goto("/admin/users");
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: /^About 2,001 users in total \(counted at .+; the list itself is live\)$/ }),
    ).toBeVisible();
    await expectNoAxeViolations(page);
  });
  noServerErrors();
});
