import { and, eq } from "drizzle-orm";
import { auditEvents, organisations, users } from "@/db/schema";
import {
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  freshTotpCode,
  signInWithForm,
  submitAndWait,
  test,
  outboxEmails,
} from "./fixtures";

const LOCKED =
  "Your second step is locked after too many wrong attempts. Sign in with one of your recovery codes, or ask an administrator to unlock it.";

/** An organisation that locks the second factor after 10 wrong codes in a row, with a generous window so only the cap stands in the way. */
async function lockAfterTen(db: Parameters<typeof outboxEmails>[0], organisationId: number) {
  await db
    .update(organisations)
    .set({ secondFactorLockoutLimit: 10, secondFactorFailureLimit: 100 })
    .where(eq(organisations.id, organisationId));
}

const lockState = async (db: Parameters<typeof outboxEmails>[0], userId: number) =>
  (
    await db
      .select({ failures: users.secondFactorConsecutiveFailures, lockedAt: users.secondFactorLockedAt })
      .from(users)
      .where(eq(users.id, userId))
  )[0]!;

test("wrong codes in a row lock the second factor; the user and administrators are emailed; the administrator's Unlock lets the user in", async ({
  browser,
  page,
  db,
  createUser,
  signInAs,
}) => {
  // Two browsers, two pages checked by axe.
  test.slow();
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const user = await createUser({ organisationId: admin.organisationId, totp: true });
  await lockAfterTen(db, admin.organisationId);
  // Eight wrong codes already, spread over earlier days: the window limit never saw them together.
  await db.update(users).set({ secondFactorConsecutiveFailures: 8 }).where(eq(users.id, user.id));

  await test.step("two more wrong codes lock it, and the page says what to do", async () => {
    await signInWithForm(page, user);
    await expect(page).toHaveURL(/\/login\/two-factor/);
    const verify = page.getByRole("button", { name: "Verify" });
    await page.getByLabel("Code").fill("000000");
    await submitAndWait(page, verify);
    await expect(page.getByLabel("Code")).toHaveAccessibleDescription(/That code is not valid\./);
    await page.getByLabel("Code").fill("000001");
    await submitAndWait(page, verify);
    await expect(page.getByRole("status")).toHaveText(LOCKED);
    expect(await lockState(db, user.id)).toMatchObject({ failures: 10, lockedAt: expect.any(Date) });

    // The right code is refused while locked.
    await page.reload();
    await expect(page.getByText(LOCKED)).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
    await submitAndWait(page, page.getByRole("button", { name: "Verify" }));
    await expect(page.getByRole("status")).toHaveText(LOCKED);
    await expect(page).toHaveURL(/\/login\/two-factor/);
  });

  await test.step("the user and the administrator are emailed once", async () => {
    const toUser = (await outboxEmails(db, user.email)).filter((mail) =>
      mail.subject?.includes("second sign-in step is locked"),
    );
    expect(toUser).toHaveLength(1);
    expect(toUser[0]!.body).toContain("failed 10 times in a row");
    const toAdmin = (await outboxEmails(db, admin.email)).filter((mail) =>
      mail.subject?.includes("second sign-in step is locked"),
    );
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]!.body).toContain(`/admin/users/${user.id}`);
    const locked = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "two_factor.locked")));
    expect(locked.map((event) => event.details)).toContainEqual({ lock: "consecutive" });
  });

  await test.step("the administrator sees the lock and presses Unlock", async () => {
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    const adminErrors = failOnServerErrors(adminPage);
    await signInAs(adminContext, admin);
    await adminPage.goto(`/admin/users/${user.id}`);
    const card = adminPage.getByRole("region", { name: "Second step locked" });
    await expect(card).toContainText("after 10 wrong attempts in a row");
    await expectNoAxeViolations(adminPage);
    await submitAndWait(adminPage, card.getByRole("button", { name: "Unlock" }));
    await expect(adminPage.getByRole("status").filter({ hasText: "Unlocked." })).toBeVisible();
    expect(await lockState(db, user.id)).toEqual({ failures: 0, lockedAt: null });
    await adminPage.reload();
    await expect(adminPage.getByRole("region", { name: "Second step locked" })).toHaveCount(0);
    const unlocked = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "two_factor.unlocked")));
    expect(unlocked.map((event) => [event.actorUserId, event.details])).toEqual([
      [admin.id, { by: "administrator", failures: 10 }],
    ]);
    expect((await outboxEmails(db, user.email)).filter((mail) => mail.subject?.includes("was unlocked"))).toHaveLength(
      1,
    );
    adminErrors();
    await adminContext.close();
  });

  await test.step("the user signs in with their authenticator again", async () => {
    await page.goto("/login/two-factor");
    await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL("/");
  });
  noServerErrors();
});

test("a recovery code still signs in while the second factor is locked, and lifts the lock", async ({
  page,
  db,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser({ totp: true });
  await lockAfterTen(db, user.organisationId);
  await db
    .update(users)
    .set({ secondFactorConsecutiveFailures: 10, secondFactorLockedAt: new Date() })
    .where(eq(users.id, user.id));

  await signInWithForm(page, user);
  await expect(page.getByText(LOCKED)).toBeVisible();
  await expect(page.getByLabel("Code")).toHaveAccessibleDescription("One of your recovery codes.");
  await page.getByLabel("Code").fill(user.recoveryCodes![0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  // Signed in, on the page that offers a new factor (a recovery code usually means a lost one).
  await expect(page).toHaveURL("/recovery-code-used");
  expect(await lockState(db, user.id)).toEqual({ failures: 0, lockedAt: null });
  const unlocked = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "two_factor.unlocked")));
  expect(unlocked.map((event) => event.details)).toEqual([{ by: "recovery_code" }]);
  noServerErrors();
});

test("an administrator sets the sign-in protection limits; nonsense is refused with a reason", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  const card = page.getByRole("region", { name: "Sign-in protection" });
  const lockout = card.getByLabel("Wrong codes in a row before locking the second factor");
  await expect(lockout).toHaveValue("100");
  await expect(card.getByLabel("Wrong passwords per account and address")).toHaveValue("10");
  await expect(card.getByLabel("Wrong passwords per account before slowing down")).toHaveValue("100");
  await expect(card.getByLabel("Wrong codes per user")).toHaveValue("10");
  await expect(card.getByLabel("Failure window (minutes)")).toHaveValue("15");
  const save = card.getByRole("button", { name: "Save sign-in protection" });

  await lockout.fill("500");
  await submitAndWait(page, save);
  await expect(lockout).toHaveAccessibleDescription(/Use at most 100 wrong codes\./);
  await expectNoAxeViolations(page);

  await lockout.fill("20");
  await card.getByLabel("Failure window (minutes)").fill("30");
  await submitAndWait(page, save);
  await expect(card.getByRole("status")).toHaveText(
    "Sign-in protection saved. The new limits apply from the next attempt.",
  );
  const saved = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  expect([saved.secondFactorLockoutLimit, saved.failureWindowMinutes, saved.passwordFailureLimit]).toEqual([
    20, 30, 10,
  ]);
  const audited = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organisationId, admin.organisationId), eq(auditEvents.type, "settings.updated")));
  expect(audited.map((event) => event.details)).toEqual([
    { section: "sign_in_protection", secondFactorLockoutLimit: 20, failureWindowMinutes: 30 },
  ]);
  noServerErrors();
});
