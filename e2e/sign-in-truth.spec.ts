import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, organisations, signInFailures, users } from "@/db/schema";
import {
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  freshTotpCode,
  signInWithForm,
  submitAndWait,
  test,
} from "./fixtures";

/** The window limit of the second step: three wrong codes in fifteen minutes pause it. */
async function pauseAfterThree(db: Db, organisationId: number) {
  await db
    .update(organisations)
    .set({ secondFactorFailureLimit: 3, failureWindowMinutes: 15 })
    .where(eq(organisations.id, organisationId));
}

async function auditTypesOf(db: Db, userId: number): Promise<string[]> {
  return (
    await db.select({ type: auditEvents.type }).from(auditEvents).where(eq(auditEvents.targetUserId, userId))
  ).map((row) => row.type);
}

test("a right password then wrong codes until paused: last sign-in stays 'Never', the audit log has the password step but no completed sign-in; a right sign-in later sets both", async ({
  browser,
  page,
  db,
  createUser,
  signInAs,
}) => {
  test.slow();
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage", "audit:read"] });
  const user = await createUser({ organisationId: admin.organisationId, totp: true });
  await pauseAfterThree(db, admin.organisationId);

  await test.step("three wrong codes pause the second step: its own state, everything disabled, the ways forward named", async () => {
    await signInWithForm(page, user);
    await expect(page).toHaveURL(/\/login\/two-factor/);
    for (const [index, wrong] of ["000000", "000001", "000002"].entries()) {
      await page.getByLabel("Code").fill(wrong);
      await submitAndWait(page, page.getByRole("button", { name: "Verify" }));
      // The answer has arrived, but React may not have rendered it (nor reset the form) yet: typing the next code
      // before then loses it to the reset. Each wrong code is counted once: the message says how many are left.
      if (index < 2) await expect(page.getByText(`That code is not valid. ${4 - index} attempts left.`)).toBeVisible();
    }
    await page.reload();
    await expect(
      page.getByText(/Too many wrong codes: for your security, the second step is paused until/),
    ).toBeVisible();
    await expect(page.getByText("You can try again in about 15 minutes.")).toBeVisible();
    await expect(page.getByLabel("Code")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Verify" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Send a new code" })).toHaveCount(0);
    await expect(page.getByText("Then, without your phone, type one of your recovery codes instead.")).toBeVisible();
    await expect(page.getByRole("button", { name: "I can't use any of my methods" })).toBeEnabled();
    await expectNoAxeViolations(page);
    await page.screenshot({ path: test.info().outputPath("two-factor-paused-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: test.info().outputPath("two-factor-paused-390.png"), fullPage: true });
  });

  await test.step("the administrator sees no sign-in, and the audit log only the password step", async () => {
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.lastSignInAt).toBeNull();
    const types = await auditTypesOf(db, user.id);
    expect(types).toContain("sign_in.password_verified");
    expect(types).not.toContain("sign_in.completed");
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    await signInAs(adminContext, admin);
    await adminPage.goto(`/admin/users?q=${encodeURIComponent(user.email)}`);
    await expect(adminPage.getByRole("row").filter({ hasText: user.email })).toContainText("Never");
    await adminContext.close();
  });

  await test.step("when the pause ends the countdown says so and the form opens by itself; a right code completes the sign-in", async () => {
    // The pause ends in 20 seconds, as if the failures were nearly fifteen minutes old: long enough
    // for the reload below to render the countdown on a busy machine.
    await db
      .update(signInFailures)
      .set({ createdAt: new Date(Date.now() - 15 * 60_000 + 20_000) })
      .where(and(eq(signInFailures.scope, "second_factor"), eq(signInFailures.key, String(user.id))));
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await expect(page.getByText("You can try again in about 1 minute.")).toBeVisible();
    await expect(page.getByLabel("Code")).toBeDisabled();
    await expect(page.getByLabel("Code")).toBeEnabled({ timeout: 35_000 });
    await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL("/");
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.lastSignInAt).not.toBeNull();
    const completed = await db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "sign_in.completed")));
    expect(completed.map((event) => event.details)).toEqual([{ via: "second_factor", method: "totp" }]);
  });
  noServerErrors();
});

test("the browser's time zone is kept at a completed sign-in, not at the password step", async ({
  browser,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  // The browser in Paris: the page tells the server its zone (components/time-zone-cookie.tsx).
  const context = await browser.newContext({ timezoneId: "Europe/Paris" });
  const page = await context.newPage();
  await signInWithForm(page, user);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.timeZone).toBeNull();
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.timeZone).toBe("Europe/Paris");
  await context.close();
});

test("the second step locked by wrong codes in a row is its own state: only a recovery code or the administrator, no countdown", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  await db
    .update(users)
    .set({ secondFactorConsecutiveFailures: 100, secondFactorLockedAt: new Date() })
    .where(eq(users.id, user.id));
  await signInWithForm(page, user);
  await expect(page.getByText("Waiting does not help: the lock stays until one of these.")).toBeVisible();
  await expect(page.getByLabel("Code")).toBeEnabled();
  await expect(page.getByLabel("Code")).toHaveAccessibleDescription("One of your recovery codes.");
  await expect(page.getByText(/You can try again in/)).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: test.info().outputPath("two-factor-locked-390.png"), fullPage: true });
});

test("the sign-in pages fit a phone: nothing wider than 390 px, axe clean", async ({ page, createUser }) => {
  const user = await createUser({ totp: true });
  for (const size of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await page.goto("/login");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: test.info().outputPath(`login-${size.width}.png`), fullPage: true });
  }
  await signInWithForm(page, user);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  for (const size of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: test.info().outputPath(`two-factor-${size.width}.png`), fullPage: true });
  }
});
