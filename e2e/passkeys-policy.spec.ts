import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, organisations, passkeys, roles, userRoles, users, type Permission } from "@/db/schema";
import {
  confirmInDialog,
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  freshTotpCode,
  outboxEmails,
  signInWithForm,
  submitAndWait,
  test,
} from "./fixtures";
import { insertPasskey } from "@/test/db";

/*
 * The policy side of passkeys (issue 19): the allowed-method checkbox, the
 * phishing-resistant requirement on a role and per user, its enforcement at
 * the second step (a right authenticator code refused), and an administrator
 * removing a lost passkey. No WebAuthn ceremony here: passkeys are rows.
 */

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];
const SHOTS = "test-results/passkeys-policy";

const addPasskey = (db: Db, userId: number, name: string) =>
  insertPasskey(db, userId, { deviceType: "multi_device", backedUp: true, name });

const eventsOf = async (db: Db, type: string, organisationId: number) =>
  await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.type, type), eq(auditEvents.organisationId, organisationId)));

test("an administrator allows passkeys and requires them of a role; a holder's right authenticator code is refused", async ({
  page,
  browser,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const serverErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const org = admin.organisationId;
  await db.update(organisations).set({ allowPasskey: false }).where(eq(organisations.id, org));
  const holder = await createUser({ organisationId: org, name: "Hal Holder", totp: true });
  const engineers = (await db.insert(roles).values({ organisationId: org, name: "Engineers" }).returning())[0]!;
  await db.insert(userRoles).values({ userId: holder.id, roleId: engineers.id });
  await signInAs(context, admin);

  await test.step("the admin ticks “Passkeys and security keys” among the allowed methods", async () => {
    await page.goto("/admin/settings");
    const allow = page.getByRole("checkbox", { name: "Passkeys and security keys" });
    await expect(allow).not.toBeChecked();
    await allow.check();
    await submitAndWait(page, page.getByRole("button", { name: "Save", exact: true }));
    await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
    const saved = (await db.select().from(organisations).where(eq(organisations.id, org)))[0]!;
    expect(saved.allowPasskey).toBe(true);
    const updated = await eventsOf(db, "settings.updated", org);
    expect(updated.at(-1)!.details).toMatchObject({ allowPasskey: true });
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "Passkeys and security keys" })).toBeChecked();
    await expectNoAxeViolations(page);
    await page.getByRole("group", { name: "Allowed methods" }).screenshot({ path: `${SHOTS}/settings-methods.png` });
  });

  await test.step("the admin makes the role phishing-resistant only: it implies 2FA, and the log says so", async () => {
    await page.goto(`/admin/roles/${engineers.id}`);
    const box = page.getByRole("checkbox", { name: "Phishing-resistant methods only" });
    await expect(box).not.toBeChecked();
    await box.check();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    // Stricter than saved: the confirmation's preview first (e2e/enforcement-preview.spec.ts).
    await confirmInDialog(page, "Confirm and save");
    await expect(page.getByRole("status").filter({ hasText: "Role “Engineers” saved." })).toBeVisible();
    const role = (await db.select().from(roles).where(eq(roles.id, engineers.id)))[0]!;
    expect(role).toMatchObject({ requirePhishingResistant: true, requireTwoFactor: true });
    const updated = await eventsOf(db, "role.updated", org);
    expect(updated.at(-1)!.details).toMatchObject({
      requirePhishingResistant: true,
      previousRequirePhishingResistant: false,
    });
    await expect(page.getByRole("checkbox", { name: "Phishing-resistant methods only" })).toBeChecked();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${SHOTS}/role.png`, fullPage: true });
  });

  await test.step("the holder signs in with the password and a right authenticator code: refused, with why", async () => {
    const holderContext = await browser.newContext();
    const holderPage = await holderContext.newPage();
    const holderErrors = failOnServerErrors(holderPage);
    await signInWithForm(holderPage, holder);
    await expect(holderPage).toHaveURL("/login/two-factor");
    await expect(holderPage.getByText("Your organisation requires a passkey or security key").first()).toBeVisible();
    await expectNoAxeViolations(holderPage);
    await holderPage.screenshot({ path: `${SHOTS}/two-factor-explained.png`, fullPage: true });

    await holderPage.getByLabel("Code").fill(await freshTotpCode(db, holder, holder.totpSecret!));
    await submitAndWait(holderPage, holderPage.getByRole("button", { name: "Verify" }));
    await expect(holderPage.getByText("this code was not accepted")).toBeVisible();
    await expect(holderPage).toHaveURL("/login/two-factor");
    const refused = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "two_factor_method.refused"), eq(auditEvents.targetUserId, holder.id)));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ method: "totp" });
    await expectNoAxeViolations(holderPage);
    await holderPage.screenshot({ path: `${SHOTS}/two-factor-refused.png`, fullPage: true });

    // Break-glass: a recovery code still signs them in, and the user and the administrators are told.
    await holderPage.getByLabel("Code").fill(holder.recoveryCodes![0]!);
    await holderPage.getByRole("button", { name: "Verify" }).click();
    await expect(holderPage).not.toHaveURL(/\/login\/two-factor/);
    await expect
      .poll(async () => (await outboxEmails(db, holder.email)).map((email) => email.subject))
      .toContainEqual(expect.stringContaining("a recovery code was used instead of your passkey"));
    await expect
      .poll(async () => (await outboxEmails(db, admin.email)).map((email) => email.subject))
      .toContainEqual(expect.stringContaining("Hal Holder signed in with a recovery code instead of a passkey"));
    holderErrors();
    await holderContext.close();
  });

  await test.step("the per-user requirement offers “Phishing-resistant methods only”", async () => {
    const member = await createUser({ organisationId: org, name: "Mia Member" });
    await page.goto(`/admin/users/${member.id}`);
    await page.getByRole("radio", { name: "Phishing-resistant methods only" }).check();
    await submitAndWait(page, page.getByRole("button", { name: "Save", exact: true }));
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    const saved = (await db.select().from(users).where(eq(users.id, member.id)))[0]!;
    expect(saved.twoFactorRequirement).toBe("phishing_resistant");
    const changed = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "two_factor_requirement.changed"), eq(auditEvents.targetUserId, member.id)));
    expect(changed[0]!.details).toMatchObject({ from: "default", to: "phishing_resistant" });
    await expectNoAxeViolations(page);
  });
  serverErrors();
});

test("an administrator removes a user's lost passkey; a reset removes the rest", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const serverErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const org = admin.organisationId;
  const member = await createUser({ organisationId: org, name: "Mia Member", totp: true });
  const laptop = await addPasskey(db, member.id, "Work laptop");
  await signInAs(context, admin);

  await test.step("the admin sees the passkey and removes it, asked first", async () => {
    await page.goto(`/admin/users/${member.id}`);
    const section = page.getByRole("region", { name: "Passkeys and security keys" });
    const row = section.getByRole("row", { name: /Work laptop/ });
    await expect(row).toContainText("Synced passkey");
    await expect(row).toContainText("Never");
    await expectNoAxeViolations(page);
    await section.screenshot({ path: `${SHOTS}/admin-passkeys.png` });

    await section.getByRole("button", { name: "Remove passkey Work laptop" }).click();
    await expect(page.getByRole("dialog")).toContainText("Remove the passkey “Work laptop” of Mia Member?");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${SHOTS}/admin-passkey-confirm.png` });
    await confirmInDialog(page, "Remove");
    await expect(section.getByRole("status").filter({ hasText: "The passkey was removed" })).toBeVisible();
    expect(await db.select().from(passkeys).where(eq(passkeys.id, laptop))).toHaveLength(0);
    const removed = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "passkey.removed"), eq(auditEvents.targetUserId, member.id)));
    expect(removed).toHaveLength(1);
    expect(removed[0]!).toMatchObject({ actorUserId: admin.id, details: { name: "Work laptop" } });
    expect((await outboxEmails(db, member.email)).map((email) => email.subject)).toContainEqual(
      expect.stringContaining("a passkey was removed from your account"),
    );
    await expect(section).toContainText("The user has not added a passkey or security key.");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: `${SHOTS}/admin-passkey-removed.png`, fullPage: true });
  });

  await test.step("“Reset two-factor authentication” says it removes passkeys, and does", async () => {
    await addPasskey(db, member.id, "Phone");
    await addPasskey(db, member.id, "YubiKey");
    await page.goto(`/admin/users/${member.id}`);
    await page.getByRole("button", { name: "Reset two-factor authentication" }).click();
    await expect(page.getByRole("dialog")).toContainText("passkeys and security keys");
    await page
      .getByRole("dialog")
      .getByLabel("Reason")
      .fill("Lost her bag with laptop and key; checked by video call.");
    await confirmInDialog(page, "Reset");
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Two-factor authentication was reset and the user was signed out everywhere." }),
    ).toBeVisible();
    expect(await db.select().from(passkeys).where(eq(passkeys.userId, member.id))).toHaveLength(0);
    const reset = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "two_factor.reset"), eq(auditEvents.targetUserId, member.id)));
    expect(reset[0]!.details).toMatchObject({ passkeysRemoved: 2 });
    await expectNoAxeViolations(page);
  });
  serverErrors();
});

test("required setup offers someone held to phishing-resistant methods no authenticator app, and says why", async ({
  page,
  createUser,
}) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser({ columns: { twoFactorRequirement: "phishing_resistant" } });
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/setup");
  await expect(page.getByText("Your organisation requires a passkey or security key").first()).toBeVisible();
  await expect(
    page.getByText("Authenticator apps, codes by text message or email and Duo cannot be set up"),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Enable two-factor authentication" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.screenshot({ path: `${SHOTS}/setup-explained.png`, fullPage: true });
  serverErrors();
});
