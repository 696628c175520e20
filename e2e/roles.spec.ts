import { and, eq } from "drizzle-orm";
import { groupMembers, groupRoles, groups, roles, userRoles, type Permission } from "@/db/schema";
import { expectContentFits } from "./content-fits";
import { confirmInDialog, expect, expectNoAxeViolations, failOnServerErrors, test } from "./fixtures";

/*
 * Roles as a table, a page per role. The escalation rules have their own
 * attacker's spec (e2e/delegation.spec.ts); here, what an administrator sees.
 */

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];

test("the roles table: permissions, Requires 2FA, and holders counted once, groups included", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const org = admin.organisationId;
  const ana = await createUser({ organisationId: org, name: "Ana Lima" });
  const bob = await createUser({ organisationId: org, name: "Bob Stone" });
  const support = (
    await db
      .insert(roles)
      .values({
        organisationId: org,
        name: "Support",
        permissions: ["users:read", "audit:read"],
        requireTwoFactor: true,
      })
      .returning()
  )[0]!;
  await db.insert(roles).values({ organisationId: org, name: "Visitors" });
  const night = (await db.insert(groups).values({ organisationId: org, name: "Night shift" }).returning())[0]!;
  await db.insert(groupRoles).values({ groupId: night.id, roleId: support.id });
  await db.insert(groupMembers).values([
    { groupId: night.id, userId: ana.id },
    { groupId: night.id, userId: bob.id },
  ]);
  await db.insert(userRoles).values({ userId: ana.id, roleId: support.id });
  await signInAs(context, admin);

  await page.goto("/admin/roles");
  const table = page.getByRole("table", { name: "Roles, by name" });
  const supportRow = table.getByRole("row", { name: /Support/ });
  await expect(supportRow.getByRole("cell").nth(0)).toHaveText("Read users, Read the audit log");
  await expect(supportRow.getByRole("cell").nth(1)).toHaveText("Requires 2FA");
  // Ana holds it twice over (directly and through the group), Bob through the group: two people.
  await expect(supportRow.getByRole("cell").nth(2)).toHaveText("2");
  const visitorsRow = table.getByRole("row", { name: /Visitors/ });
  await expect(visitorsRow.getByRole("cell").nth(0)).toHaveText("None");
  await expect(visitorsRow.getByRole("cell").nth(1)).toHaveText("Not required");
  await expect(visitorsRow.getByRole("cell").nth(2)).toHaveText("0");
  await expectContentFits(page);
  await expectNoAxeViolations(page);

  // On a phone the badge sits under the name, and the table needs no scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(supportRow.getByRole("rowheader")).toContainText("Requires 2FA");
  const box = page.getByRole("region", { name: "Roles" });
  const [scrollWidth, clientWidth] = await box.evaluate((element) => [element.scrollWidth, element.clientWidth]);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await expectContentFits(page);
  await expectNoAxeViolations(page);

  await page.getByRole("link", { name: "Support" }).click();
  await expect(page).toHaveURL(`/admin/roles/${support.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Support" })).toBeVisible();
  const holders = page.getByRole("region", { name: "Holders" });
  await expect(holders.getByRole("listitem").filter({ hasText: "Ana Lima" })).toContainText(
    "directly and through Night shift",
  );
  await expect(holders.getByRole("listitem").filter({ hasText: "Bob Stone" })).toContainText("through Night shift");
  await expectContentFits(page);
  await expectNoAxeViolations(page);
});

test("a role's page: created, changed (the audit log names it, before → after), deleted back to the table", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL });
  await db.insert(roles).values({ organisationId: admin.organisationId, name: "Auditors" });
  await signInAs(context, admin);

  await page.goto("/admin/roles");
  await page.getByLabel("Role name").fill("Helpdesk");
  await page.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Role “Helpdesk” created." })).toBeVisible();
  // This organisation's: another test may name a role "Helpdesk" in its own organisation meanwhile.
  const helpdesk = (
    await db
      .select()
      .from(roles)
      .where(and(eq(roles.organisationId, admin.organisationId), eq(roles.name, "Helpdesk")))
  )[0]!;
  await expect(page).toHaveURL(`/admin/roles/${helpdesk.id}?created=1`);

  for (const size of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await expectContentFits(page);
    await expectNoAxeViolations(page);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  const form = page.getByRole("region", { name: "Permissions and two-factor" });
  await form.getByLabel("Name").fill("Service desk");
  await form.getByRole("checkbox", { name: "Read the audit log" }).check();
  await form.getByLabel("Require two-factor authentication").check();
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  await expect(form.getByText("Role “Service desk” saved.")).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Service desk" })).toBeVisible();

  await page.goto("/admin/audit?type=role.updated");
  const row = page.getByRole("region", { name: "Audit events" }).getByRole("row").nth(1);
  await expect(row).toContainText("Role updated");
  await expect(row).toContainText("Role: Service desk");
  await expect(row).toContainText("Name: Helpdesk → Service desk");
  await expect(row).toContainText("Permissions: none → Read the audit log");
  await expect(row).toContainText("Requires two-factor: no → yes");

  await page.goto(`/admin/roles/${helpdesk.id}`);
  await page.getByRole("button", { name: "Delete role Service desk" }).click();
  await confirmInDialog(page, "Delete");
  await expect(page).toHaveURL(`/admin/roles?deleted=${helpdesk.id}`);
  await expect(page.getByRole("status").filter({ hasText: "Role “Service desk” deleted." })).toBeVisible();
  await expect(page.getByRole("link", { name: "Service desk" })).toHaveCount(0);
  // The table has no delete buttons: the next one can never slide under the pointer.
  await expect(page.getByRole("button", { name: /Delete role/ })).toHaveCount(0);
  expect(await db.select().from(roles).where(eq(roles.id, helpdesk.id))).toEqual([]);
  // The message is read from the audit log, never from the address.
  await page.goto("/admin/roles?deleted=999999999");
  await expect(page.getByText("deleted.")).toHaveCount(0);
  noServerErrors();
});

test("a role of another organisation, or no role at all, is not found", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const elsewhere = await createUser({ permissions: ALL });
  const theirs = (await db.select().from(userRoles).where(eq(userRoles.userId, elsewhere.id)))[0]!.roleId;
  await signInAs(context, admin);
  for (const path of [`/admin/roles/${theirs}`, "/admin/roles/abc", "/admin/roles/0", "/admin/roles/99999999"]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
});

test("groups fit a phone: long member addresses wrap, nothing wider than the screen", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const member = await createUser({ organisationId: admin.organisationId, name: "Maximiliano Longname-Example" });
  const night = (
    await db.insert(groups).values({ organisationId: admin.organisationId, name: "Night shift" }).returning()
  )[0]!;
  await db.insert(groupMembers).values({ groupId: night.id, userId: member.id });
  await signInAs(context, admin);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/admin/groups");
  await expect(page.getByRole("region", { name: "Night shift" })).toBeVisible();
  await expectContentFits(page);
  await expectNoAxeViolations(page);
});
