import { eq } from "drizzle-orm";
import { groupMembers, groupRoles, groups, organisations, passkeys, roles, userRoles, users } from "@/db/schema";
import type { Db } from "@/db";
import { confirmInDialog, expect, expectNoAxeViolations, failOnServerErrors, submitAndWait, test } from "./fixtures";
import type { TestUser, UserOptions } from "./fixtures";
import type { Page } from "@playwright/test";

/*
 * The confirmation before a stricter 2FA setting shows what it would do,
 * computed on the server from the proposed settings, and /admin agrees once
 * it is saved.
 */

async function addPasskey(db: Db, userId: number) {
  await db.insert(passkeys).values({
    userId,
    credentialId: `credential-${userId}-${Date.now()}`,
    publicKey: "key",
    deviceType: "multi_device",
    name: "Laptop",
  });
}

/** A settings administrator with an app, codes not allowed, passkeys allowed, and Pia, whose only factor is a passkey. */
async function methodsOrganisation(db: Db, createUser: (options?: UserOptions) => Promise<TestUser>) {
  const admin = await createUser({ permissions: ["users:read", "settings:manage"], totp: true, name: "Ada Admin" });
  const organisationId = admin.organisationId;
  await db
    .update(organisations)
    .set({ allowCode: false, allowPasskey: true, twoFactorPolicy: "optional" })
    .where(eq(organisations.id, organisationId));
  await addPasskey(db, (await createUser({ organisationId, name: "Pia Passkey" })).id);
  return { admin, organisationId };
}

/** The count in the overview's row for a segment. */
async function expectSegment(page: Page, label: string, count: string) {
  const table = page.getByRole("table", { name: /Users by two-factor state/ });
  const row = table.getByRole("row").filter({ has: page.getByRole("link", { name: label, exact: true }) });
  await expect(row.getByRole("cell").first()).toHaveText(count);
}

test("switching to Required previews who is sent to setup, cancel changes nothing, and /admin agrees after", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  test.setTimeout(180_000);
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({
    permissions: ["users:read", "roles:manage", "settings:manage"],
    totp: true,
    name: "Ada Admin",
  });
  const organisationId = admin.organisationId;
  await db
    .update(organisations)
    .set({ allowCode: false, twoFactorGraceDays: 0, twoFactorPolicy: "optional" })
    .where(eq(organisations.id, organisationId));
  await createUser({ organisationId, totp: true, name: "Alan App" });
  await addPasskey(db, (await createUser({ organisationId, name: "Pia Passkey" })).id);
  await createUser({ organisationId, name: "Eve Nofactor" });
  await createUser({ organisationId, name: "Fay Nofactor" });
  const bot = await createUser({ organisationId, name: "Build bot" });
  await db.update(users).set({ isApiAccount: true, passwordHash: null }).where(eq(users.id, bot.id));
  await signInAs(context, admin);
  const policy = async () =>
    (await db.select().from(organisations).where(eq(organisations.id, organisationId)))[0]!.twoFactorPolicy;

  await test.step("choosing Required and saving shows the preview first", async () => {
    await page.goto("/admin/settings");
    await page.getByRole("radio", { name: "Required" }).check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Apply these two-factor settings?" });
    await expect(dialog).toBeVisible();
    // The preview is the dialog's description: read out when it opens.
    await expect(dialog).toHaveAccessibleDescription(
      /2 people have no second factor and would be required to use one\.\s*2 people: sent to set one up at their next sign-in\.\s*No one would lose a method they use now\.\s*Not counted: 1 person exempt/,
    );
    await expect(dialog.getByRole("link", { name: "See who has no second factor today" })).toHaveAttribute(
      "href",
      "/admin/users?state=optional_without",
    );
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("required-preview.png") });
  });

  await test.step("cancel leaves the settings as they were", async () => {
    await page.keyboard.press("Enter");
    await expect(page.getByRole("dialog")).toHaveCount(0);
    expect(await policy()).toBe("optional");
  });

  await test.step("confirming saves, and the overview counts what the preview said", async () => {
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await confirmInDialog(page, "Confirm and save");
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    expect(await policy()).toBe("required");
    await page.goto("/admin");
    await expectSegment(page, "Required, grace period over", "2");
    await expectSegment(page, "Required, in grace period", "0");
    await expectSegment(page, "Protected", "3");
    await expectSegment(page, "Exempt", "1");
  });
  noServerErrors();
});

test("unticking a method lists who would lose their only one; cancel keeps it allowed", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  const noServerErrors = failOnServerErrors(page);
  const { admin, organisationId } = await methodsOrganisation(db, createUser);
  const both = await createUser({ organisationId, totp: true, name: "Ben Both" });
  await addPasskey(db, both.id);
  await signInAs(context, admin);

  await page.goto("/admin/settings");
  await page.getByLabel("Passkeys and security keys").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Apply these two-factor settings?" });
  await expect(dialog).toHaveAccessibleDescription(
    /2 people would lose a method that is no longer allowed \(1 of them left with no second factor at all\)\./,
  );
  const names = dialog.getByRole("list", { name: "People who would lose a method" });
  await expect(names.getByRole("listitem")).toHaveText(["Ben Both", "Pia Passkey"]);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("narrowing-preview.png") });

  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save", exact: true })).toBeFocused();
  expect((await db.select().from(organisations).where(eq(organisations.id, organisationId)))[0]!.allowPasskey).toBe(
    true,
  );
  noServerErrors();
});

test("unticking “Authenticator app” previews who keeps theirs, as no one loses it; /admin agrees after", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  const noServerErrors = failOnServerErrors(page);
  const { admin, organisationId } = await methodsOrganisation(db, createUser);
  await createUser({ organisationId, totp: true, name: "Alan App" });
  await signInAs(context, admin);

  await test.step("unticking the method is stricter: the preview opens and says who keeps an app", async () => {
    await page.goto("/admin/settings");
    await page.getByLabel("Authenticator app").uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Apply these two-factor settings?" });
    await expect(dialog).toHaveAccessibleDescription(
      /No one would lose a method they use now\.\s*2 people keep their authenticator app: unticking it stops new ones being added and takes none away\./,
    );
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath("authenticator-preview.png") });
  });

  await test.step("confirming saves, and the overview still counts both app users as protected", async () => {
    await confirmInDialog(page, "Confirm and save");
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    expect((await db.select().from(organisations).where(eq(organisations.id, organisationId)))[0]!.allowTotp).toBe(
      false,
    );
    await page.goto("/admin");
    await expectSegment(page, "Protected", "3");
    await expectSegment(page, "Required, grace period over", "0");
  });
  noServerErrors();
});

test("ticking “Require two-factor authentication” on a role previews its holders' grace period", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}, testInfo) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "roles:manage"], totp: true, name: "Ada Admin" });
  const organisationId = admin.organisationId;
  await db
    .update(organisations)
    .set({ allowCode: false, twoFactorGraceDays: 5, twoFactorPolicy: "optional" })
    .where(eq(organisations.id, organisationId));
  const role = (await db.insert(roles).values({ organisationId, name: "Finance" }).returning())[0]!;
  const group = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!;
  await db.insert(groupRoles).values({ groupId: group.id, roleId: role.id });
  const fay = await createUser({ organisationId, name: "Fay Finance" });
  await db.insert(userRoles).values({ userId: fay.id, roleId: role.id });
  const eve = await createUser({ organisationId, name: "Eve Ops" });
  await db.insert(groupMembers).values({ groupId: group.id, userId: eve.id });
  await createUser({ organisationId, name: "Olive Elsewhere" });
  await signInAs(context, admin);

  await page.goto(`/admin/roles/${role.id}`);
  const region = page.getByRole("region", { name: "Permissions and two-factor" });
  await region.getByLabel("Require two-factor authentication").check();
  await region.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("dialog", { name: "Apply the two-factor settings of “Finance”?" });
  const until = new Date(Date.now() + 5 * 24 * 60 * 60 * 1000).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
  await expect(dialog).toHaveAccessibleDescription(
    new RegExp(
      `2 people have no second factor and would be required to use one\\.\\s*2 people: a grace period until ${until}`,
    ),
  );
  await expect(dialog.getByRole("link", { name: "See who has no second factor today" })).toHaveAttribute(
    "href",
    `/admin/users?state=optional_without&role=${role.id}`,
  );
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath("role-preview.png") });

  await submitAndWait(page, dialog.getByRole("button", { name: "Confirm and save" }));
  await expect(region.getByText("Role “Finance” saved.")).toBeVisible();
  await page.goto("/admin");
  await expectSegment(page, "Required, in grace period", "2");
  await expectSegment(page, "Optional, without 2FA", "1");
  noServerErrors();
});

test("without users:read the preview gives numbers only: no names, no link to the users list", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["settings:manage"], totp: true, name: "Sam Settings" });
  const organisationId = admin.organisationId;
  await db
    .update(organisations)
    .set({ allowCode: false, allowPasskey: true, twoFactorPolicy: "optional" })
    .where(eq(organisations.id, organisationId));
  await addPasskey(db, (await createUser({ organisationId, name: "Pia Passkey" })).id);
  await createUser({ organisationId, name: "Eve Nofactor" });
  await signInAs(context, admin);

  await page.goto("/admin/settings");
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByLabel("Passkeys and security keys").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Apply these two-factor settings?" });
  await expect(dialog).toHaveAccessibleDescription(
    /1 person has no second factor and would be required to use one\..*1 person would lose a method that is no longer allowed \(1 of them left with no second factor at all\)\./,
  );
  await expect(dialog.getByRole("list")).toHaveCount(0);
  await expect(dialog.getByRole("link")).toHaveCount(0);
  await expect(dialog).not.toContainText("Pia Passkey");
  await expectNoAxeViolations(page);
  noServerErrors();
});
