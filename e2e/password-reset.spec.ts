import crypto from "node:crypto";
import type { Page } from "@playwright/test";
import { and, eq, isNull } from "drizzle-orm";
import { earlierBy } from "@/db/portable-sql";
import type { Db } from "@/db";
import { auditEvents, emailLinks, recoveryCodes, sessions, users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { rememberBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import {
  expect as baseExpect,
  expectNoAxeViolations,
  failOnServerErrors,
  freshTotpCode,
  outboxEmails,
  signInWithForm,
  submitAndWait,
  test,
} from "./fixtures";

const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 180_000 });

const RESET_ANSWER = /If an account uses that address, we have sent it a link to choose a new password/;

/** The reset link's path in the newest email to `to`: sent after the answer, so it may take a moment. */
async function resetPathFor(db: Db, to: string, previous?: string): Promise<string> {
  let path = "";
  await expect
    .poll(async () => {
      const body =
        (await outboxEmails(db, to)).find((email) => email.subject?.endsWith("reset your password"))?.body ?? "";
      path = /https?:\/\/\S+(\/login\/reset\/[A-Za-z0-9_-]+)/.exec(body)?.[1] ?? "";
      return path && path !== previous ? path : "";
    })
    .not.toBe("");
  return path;
}

async function askForReset(page: Page, email: string) {
  const button = page.getByRole("button", { name: "Send reset link" });
  await page.getByLabel("Email").fill(email);
  await submitAndWait(page, button);
  // The answer is in once the form is idle again (and reset): typing earlier would be wiped.
  await expect(button).toBeEnabled();
}

async function chooseNewPassword(page: Page, password: string, confirm = password) {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(confirm);
  await submitAndWait(page, page.getByRole("button", { name: "Set new password" }));
}

test("forgot password: the same answer for any address, a single-use link, every session ended, and the second factor still asked", async ({
  page,
  db,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser({ totp: true, name: "Rosa Reset" });
  // Elsewhere, someone (perhaps whoever knows the old password) is signed in and remembered.
  await createSession(db, { userId: user.id, stage: "active", context: { ip: "203.0.113.9", userAgent: "elsewhere" } });
  await rememberBrowser(db, { userId: user.id, context: { ip: "203.0.113.9", userAgent: "elsewhere" } });

  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/login\/forgot$/);
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await expectNoAxeViolations(page);

  // Unknown, then known: one answer, word for word.
  const answer = page.getByRole("status").first();
  await askForReset(page, `nobody-${crypto.randomUUID()}@example.com`);
  await expect(answer).toContainText(RESET_ANSWER);
  const unknownAnswer = await answer.textContent();
  // Cleared first, so the known address's answer is its own, not the last one still on screen.
  await page.reload();
  await askForReset(page, user.email.toUpperCase());
  await expect(answer).toContainText(RESET_ANSWER);
  expect(await answer.textContent()).toBe(unknownAnswer);
  await expectNoAxeViolations(page);

  const path = await resetPathFor(db, user.email);
  const token = path.slice("/login/reset/".length);
  // Only the hash is stored.
  const link = (
    await db
      .select()
      .from(emailLinks)
      .where(and(eq(emailLinks.userId, user.id), eq(emailLinks.purpose, "password_reset")))
  )[0]!;
  expect(link.tokenHash).toBe(hashToken(token));

  // Opening the link (as a mail scanner would, twice) spends nothing.
  await page.goto(path);
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(user.email)).toBeVisible();
  await expectNoAxeViolations(page);

  await chooseNewPassword(page, "one long passphrase", "another long passphrase");
  await expect(page.getByText("The two passwords do not match.")).toBeVisible();
  await chooseNewPassword(page, "password1234");
  await expect(page.getByText(/common|guess/i).first()).toBeVisible();
  await expectNoAxeViolations(page);

  const newPassword = `violet ${crypto.randomBytes(6).toString("hex")} lantern harbour`;
  await chooseNewPassword(page, newPassword);
  await expect(page).toHaveURL(/\/login\?reason=password-reset$/);
  await expect(page.getByText("Your password was changed and every session was signed out.")).toBeVisible();
  await expectNoAxeViolations(page);

  // Every session and remembered browser ended; the owner is told; it is audited.
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  expect(
    (await outboxEmails(db, user.email)).some((email) => email.subject?.endsWith("your password was changed")),
  ).toBe(true);
  expect(
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "password_reset.completed"), eq(auditEvents.targetUserId, user.id))),
  ).toHaveLength(1);

  // The link is spent.
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "This link can no longer be used" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Set new password" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // The old password is gone; the new one leads to the second factor, not past it.
  await signInWithForm(page, user);
  await expect(page.getByText("Incorrect email or password.")).toBeVisible();
  await signInWithForm(page, { email: user.email, password: newPassword });
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByRole("heading", { name: "Welcome, Rosa Reset" })).toBeVisible();
  noServerErrors();
});

test("an expired reset link is refused, and says how to get a new one", async ({ page, db, createUser }) => {
  const user = await createUser();
  await page.goto("/login/forgot");
  await askForReset(page, user.email);
  const path = await resetPathFor(db, user.email);
  // The link's 30 minutes have passed.
  await db
    .update(emailLinks)
    .set({ expiresAt: earlierBy(emailLinks.createdAt, 1) })
    .where(and(eq(emailLinks.userId, user.id), eq(emailLinks.purpose, "password_reset")));
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "This link can no longer be used" })).toBeVisible();
  await expect(page.getByText("Password reset links work for 30 minutes, and this one has expired.")).toBeVisible();
  await page.getByRole("link", { name: "Send a new reset link" }).click();
  await expect(page).toHaveURL(/\/login\/forgot$/);
});

test("SSO users and API accounts are told by email that their password is not managed here; the page answers as for anyone", async ({
  page,
  db,
  createUser,
}) => {
  const sso = await createUser();
  await db
    .update(users)
    .set({ passwordHash: null, ssoIssuer: "https://idp.example", ssoSubject: crypto.randomUUID() })
    .where(eq(users.id, sso.id));
  const robot = await createUser();
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));
  await page.goto("/login/forgot");
  for (const account of [sso, robot]) {
    await askForReset(page, account.email);
    await expect(page.getByRole("status").first()).toContainText(RESET_ANSWER);
  }
  await expect.poll(async () => (await outboxEmails(db, sso.email))[0]?.body ?? "").toContain("not managed by Twofold");
  await expect.poll(async () => (await outboxEmails(db, robot.email))[0]?.body ?? "").toContain("API account");
  expect(
    (await db.select().from(emailLinks).where(eq(emailLinks.purpose, "password_reset"))).filter((row) =>
      [sso.id, robot.id].includes(row.userId),
    ),
  ).toEqual([]);
});

test("one network asking for many resets is told to wait", async ({ page, createUser }) => {
  const user = await createUser();
  await page.goto("/login/forgot");
  // RESET_REQUESTS_PER_ADDRESS (20) an hour from one address, across every typed email.
  for (let i = 0; i < 20; i++) await askForReset(page, `flood-${i}-${crypto.randomUUID()}@example.com`);
  await page.reload();
  await askForReset(page, user.email);
  await expect(page.getByRole("status").first()).toContainText("Too many reset requests from your network.");
});

test("an administrator's reset link works once; the administrator never sees it", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const user = await createUser({ organisationId: admin.organisationId, name: "Hana Helped" });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${user.id}`);
  await submitAndWait(page, page.getByRole("button", { name: "Send password reset link" }));
  await expect(page.getByText(`Password reset link sent to ${user.email}`)).toBeVisible();
  await expectNoAxeViolations(page);
  const path = await resetPathFor(db, user.email);
  await expect(page.locator("body")).not.toContainText(path.slice("/login/reset/".length));
  expect((await outboxEmails(db, user.email))[0]!.body).toContain(`${admin.name}, an administrator of`);

  // A second press straight away is held back, and says so.
  await submitAndWait(page, page.getByRole("button", { name: "Send password reset link" }));
  await expect(page.getByText(/A reset link was sent to .* recently\. Try again in/)).toBeVisible();

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await userPage.goto(path);
  await chooseNewPassword(userPage, `amber ${crypto.randomBytes(6).toString("hex")} quiet meadow`);
  await expect(userPage).toHaveURL(/\/login\?reason=password-reset$/);
  await userPage.goto(path);
  await expect(userPage.getByRole("heading", { name: "This link can no longer be used" })).toBeVisible();
  await userContext.close();
  noServerErrors();
});

test("signing in with a recovery code leads to the new-factor offer and an email; few codes left shows on the dashboard and profile", async ({
  page,
  db,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser({ totp: true, name: "Lost Phone" });
  await signInWithForm(page, user);
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await page.getByLabel("Code").fill(user.recoveryCodes![0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/recovery-code-used$/);
  await expect(page.getByRole("heading", { name: "You signed in with a recovery code" })).toBeVisible();
  await expect(page.getByText("You have 9 recovery codes left.")).toBeVisible();
  await expectNoAxeViolations(page);
  await expect
    .poll(
      async () =>
        (await outboxEmails(db, user.email)).find((email) => email.subject?.endsWith("a recovery code was used"))
          ?.body ?? "",
    )
    .toContain("9 recovery codes left");

  await page.getByRole("link", { name: "Set up a new method now" }).click();
  await expect(page).toHaveURL(/\/profile#two-factor$/);

  // Down to two codes: the dashboard and the profile say so.
  const unused = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, user.id), isNull(recoveryCodes.usedAt)));
  for (const { id } of unused.slice(0, 7))
    await db.update(recoveryCodes).set({ usedAt: new Date() }).where(eq(recoveryCodes.id, id));
  await page.goto("/");
  await expect(page.getByText("You have 2 recovery codes left.")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.goto("/profile");
  await expect(page.getByText("You have 2 recovery codes left.")).toBeVisible();
  noServerErrors();
});

test("whoever reads the mailbox cannot pass both steps: after a reset by email, no sign-in code goes to that mailbox", async ({
  page,
  db,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  // Sign-in codes by email are this user's second factor.
  const user = await createUser({ columns: { codesEnabledAt: new Date(), codeDelivery: "email" } });
  await page.goto("/login/forgot");
  await askForReset(page, user.email);
  await page.goto(await resetPathFor(db, user.email));
  const newPassword = `copper ${crypto.randomBytes(6).toString("hex")} window garden`;
  await chooseNewPassword(page, newPassword);
  await expect(page).toHaveURL(/\/login\?reason=password-reset$/);
  const emailsBefore = (await outboxEmails(db, user.email)).length;

  await signInWithForm(page, { email: user.email, password: newPassword });
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await expect(page.getByText("Your password was just reset through a link sent to your email")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new code" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "I can't use any of my methods" })).toBeVisible();
  await expectNoAxeViolations(page);
  // No code reached the mailbox: only the "password was changed" notice came before.
  expect(
    (await outboxEmails(db, user.email))
      .slice(0, (await outboxEmails(db, user.email)).length - emailsBefore)
      .filter((email) => /^\s*\d{6}\s*$/m.test(email.body ?? "")),
  ).toEqual([]);
  noServerErrors();
});
