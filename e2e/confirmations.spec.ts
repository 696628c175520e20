import { eq } from "drizzle-orm";
import { roles, users, type Permission } from "@/db/schema";
import { expect, expectNoAxeViolations, test } from "./fixtures";

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];

test("“Disable account” asks first in a dialog: Escape changes nothing, and the keyboard alone can confirm", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const member = await createUser({ organisationId: admin.organisationId, name: "Ada Member" });
  const disabledAt = async () =>
    (await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, member.id)))[0]!.disabledAt;
  await signInAs(context, admin);
  await page.goto(`/admin/users/${member.id}`);
  const disable = page.getByRole("button", { name: "Disable account" });
  const dialog = page.getByRole("dialog", { name: "Disable Ada Member’s account?" });
  const cancel = dialog.getByRole("button", { name: "Cancel" });

  await test.step("the dialog is announced with its question and consequence, and Escape leaves the account alone", async () => {
    await disable.click();
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAccessibleDescription(
      "They are signed out everywhere and cannot sign in until the account is enabled again.",
    );
    await expect(cancel).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(disable).toBeFocused();
    expect(await disabledAt()).toBeNull();
  });

  await test.step("the open dialog passes axe", async () => {
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    await expectNoAxeViolations(page);
    await page.keyboard.press("Escape");
    await expect(disable).toBeFocused();
  });

  await test.step("Enter opens, Tab reaches “Disable”, Enter confirms", async () => {
    await page.keyboard.press("Enter");
    await expect(cancel).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Disable", exact: true })).toBeFocused();
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === "POST"),
      page.keyboard.press("Enter"),
    ]);
    await expect(page.getByRole("status").filter({ hasText: "The account is disabled and signed out." })).toBeVisible();
    await expect(dialog).toBeHidden();
    expect(await disabledAt()).not.toBeNull();
    // Focus is back on the same button, which now offers the way back.
    await expect(page.getByRole("button", { name: "Enable account" })).toBeFocused();
  });
});

test("“Delete role” cancelled in its dialog leaves the role", async ({ page, context, db, createUser, signInAs }) => {
  const admin = await createUser({ permissions: ALL });
  const auditor = (
    await db
      .insert(roles)
      .values({ organisationId: admin.organisationId, name: "Auditor", permissions: ["audit:read"] })
      .returning()
  )[0]!;
  await signInAs(context, admin);
  await page.goto(`/admin/roles/${auditor.id}`);
  const trigger = page.getByRole("button", { name: "Delete role Auditor" });
  const dialog = page.getByRole("dialog", { name: "Delete the role “Auditor”?" });

  await trigger.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Delete", exact: true })).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(trigger).toBeFocused();
  expect((await db.select().from(roles).where(eq(roles.id, auditor.id)))[0]).toBeDefined();
  await expect(page.getByRole("heading", { name: "Auditor", exact: true })).toBeVisible();
});
