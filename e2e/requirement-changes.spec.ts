import { eq } from "drizzle-orm";
import { organisations, userRoles, roles, users, type Permission } from "@/db/schema";
import { expect, expectNoAxeViolations, failOnServerErrors, outboxEmails, test } from "./fixtures";

/*
 * Changes of the organisation's requirement that reach people already signed
 * in: a role that starts requiring 2FA (the start is recorded at the change),
 * and the policy turned to Disabled while people use 2FA (they are counted and told).
 */

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];

test("a role that starts requiring 2FA records the start at the change; with no grace, a signed-in member's next page is setup", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL });
  const member = await createUser({ organisationId: admin.organisationId, name: "Rita Roleholder" });
  // No codes (they need no setup) and no grace period.
  await db
    .update(organisations)
    .set({ allowCode: false, twoFactorGraceDays: 0 })
    .where(eq(organisations.id, admin.organisationId));
  const role = (
    await db.insert(roles).values({ organisationId: admin.organisationId, name: "Support" }).returning()
  )[0]!;
  await db.insert(userRoles).values({ userId: member.id, roleId: role.id });

  const memberContext = await browser.newContext();
  await signInAs(memberContext, member);
  const memberPage = await memberContext.newPage();
  await memberPage.goto("/profile");
  await expect(memberPage).toHaveURL("/profile");

  await signInAs(context, admin);
  await page.goto(`/admin/roles/${role.id}`);
  const region = page.getByRole("region", { name: "Permissions and two-factor" });
  await region.getByLabel("Require two-factor authentication").check();
  const changedAt = Date.now();
  await region.getByRole("button", { name: "Save" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  await expect(region.getByText("Role “Support” saved.")).toBeVisible();
  const since = (
    await db.select({ since: users.twoFactorRequiredSince }).from(users).where(eq(users.id, member.id))
  )[0]!.since;
  expect(since).not.toBeNull();
  expect(Math.abs(since!.getTime() - changedAt)).toBeLessThan(30_000);

  await memberPage.goto("/");
  await expect(memberPage).toHaveURL("/login/setup");
  await expect(memberPage.getByRole("button", { name: "Skip for now" })).toHaveCount(0);

  // Unticked again: the requirement ends, and so does its recorded start.
  await region.getByLabel("Require two-factor authentication").uncheck();
  await region.getByRole("button", { name: "Save" }).click();
  // The first save's "saved" may still be on screen: wait for the database instead.
  await expect
    .poll(
      async () =>
        (await db.select({ since: users.twoFactorRequiredSince }).from(users).where(eq(users.id, member.id)))[0]!.since,
    )
    .toBeNull();
  await expect(region.getByText("Role “Support” saved.")).toBeVisible();
  await memberContext.close();
  noServerErrors();
});

test("setting the policy to Disabled says how many people use 2FA, and emails them after saving", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL });
  const withApp = await createUser({ organisationId: admin.organisationId, totp: true });
  const withCodes = await createUser({ organisationId: admin.organisationId, columns: { codesEnabledAt: new Date() } });
  const requiredWithApp = await createUser({
    organisationId: admin.organisationId,
    totp: true,
    columns: { twoFactorRequirement: "required" },
  });
  const withoutFactor = await createUser({ organisationId: admin.organisationId });
  const elsewhere = await createUser({ totp: true });
  await signInAs(context, admin);

  await page.goto("/admin/settings");
  const disabled = page.getByRole("radio", { name: "Disabled" });
  await expect(disabled).toHaveAccessibleDescription(
    /3 people who use two-factor authentication will no longer be asked for it/,
  );
  await expect(disabled).toHaveAccessibleDescription(/including anyone set to “Required”/);
  await expectNoAxeViolations(page);

  await disabled.check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("3 people are being emailed that two-factor authentication is off.")).toBeVisible();
  await expectNoAxeViolations(page);

  for (const person of [withApp, withCodes, requiredWithApp]) {
    await expect
      .poll(async () => (await outboxEmails(db, person.email)).map((email) => email.subject))
      .toContainEqual(expect.stringContaining("Two-factor authentication turned off for your organisation"));
  }
  for (const person of [withoutFactor, elsewhere, admin]) {
    expect((await outboxEmails(db, person.email)).map((email) => email.subject)).not.toContainEqual(
      expect.stringContaining("turned off for your organisation"),
    );
  }
  // Disabled now: the notice is not shown again.
  await page.reload();
  await expect(page.getByRole("radio", { name: "Disabled" })).toBeChecked();
  await expect(page.getByText(/will no longer be asked for it/)).toHaveCount(0);
  noServerErrors();
});
