import { eq } from "drizzle-orm";
import { organisations, outbox, sessions } from "@/db/schema";
import { hashToken } from "@/lib/crypto";
import { expect, signInWithForm, test } from "./fixtures";

test("deleting a user's session rows signs them out on their next request", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();

  await db.delete(sessions).where(eq(sessions.userId, user.id));
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL("/login?reason=session-ended");
});

test("an expired session is refused even though the browser still sends its cookie", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  const token = await signInAs(context, user);
  await db
    .update(sessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(sessions.tokenHash, hashToken(token)));
  await page.goto("/");
  await expect(page).toHaveURL("/login?reason=session-ended");
  expect((await context.cookies()).some((cookie) => cookie.value === token)).toBe(true);
});

test("a made-up session cookie is worth nothing", async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: "twofold.session", value: "forged-token", url: baseURL! }]);
  await page.goto("/profile");
  await expect(page).toHaveURL("/login?reason=session-ended");
});

test("a session lasts the organisation's session duration, fixed at sign-in", async ({ page, db, createUser }) => {
  const user = await createUser();
  await db.update(organisations).set({ sessionDurationDays: 7 }).where(eq(organisations.id, user.organisationId));
  const before = Date.now();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  const session = (await db.select().from(sessions).where(eq(sessions.userId, user.id)))[0]!;
  const days = (session.expiresAt.getTime() - before) / 86_400_000;
  expect(days).toBeGreaterThan(6.99);
  expect(days).toBeLessThan(7.01);
  expect(session.ip).toMatch(/^198\.18\./);
  expect(session.userAgent).toContain("Chrome");
});

test("changing the password needs the current one, signs out other sessions and emails the user", async ({
  browser,
  page,
  db,
  createUser,
}) => {
  const user = await createUser();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");

  const elsewhere = await browser.newContext();
  const otherPage = await elsewhere.newPage();
  await signInWithForm(otherPage, user);
  await expect(otherPage).toHaveURL("/");

  await page.goto("/profile");
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a completely new passphrase");
  await page.getByLabel("Confirm new password").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("a completely new passphrase");
  await page.getByLabel("Confirm new password").fill("a completely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toContainText(
    "1 other session was signed out",
  );

  await otherPage.reload();
  await expect(otherPage).toHaveURL("/login?reason=session-ended");
  await page.reload();
  await expect(page).toHaveURL("/profile");

  // The second browser's sign-in also sent "New sign-in to Twofold" (e2e/sign-in-alerts.spec.ts); this test is about the other one.
  const mail = (await db.select().from(outbox).where(eq(outbox.to, user.email))).filter(
    (message) => !message.subject?.includes("New sign-in to Twofold"),
  );
  expect(mail.map((message) => message.subject)).toEqual([expect.stringContaining("password was changed")]);
  expect(mail[0]!.html).toContain("<html");

  await signInWithForm(otherPage, user);
  await expect(otherPage.getByRole("status")).toHaveText("Incorrect email or password.");
  await signInWithForm(otherPage, { email: user.email, password: "a completely new passphrase" });
  await expect(otherPage).toHaveURL("/");
  await elsewhere.close();
});

test("a user ends one of their other sessions from the profile", async ({
  browser,
  page,
  context,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  await signInAs(context, user);
  const elsewhere = await browser.newContext();
  await signInAs(elsewhere, user);
  const otherPage = await elsewhere.newPage();
  await otherPage.goto("/");
  await expect(otherPage).toHaveURL("/");

  await page.goto("/profile");
  await expect(page.getByText("This browser")).toBeVisible();
  await page.getByRole("button", { name: /^End session/ }).click();
  await expect(page.getByRole("button", { name: /^End session/ })).toHaveCount(0);
  await otherPage.reload();
  await expect(otherPage).toHaveURL("/login?reason=session-ended");
  await elsewhere.close();
});

test("“Sign out all users” ends every session of the organisation, the admin's too, and no other's", async ({
  browser,
  page,
  context,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  const colleague = await createUser({ organisationId: admin.organisationId });
  const outsider = await createUser();
  await signInAs(context, admin);
  const colleagueContext = await browser.newContext();
  await signInAs(colleagueContext, colleague);
  const outsiderContext = await browser.newContext();
  await signInAs(outsiderContext, outsider);

  await page.goto("/admin/settings");
  await page.getByRole("button", { name: "Sign out all users" }).click();
  const signOutAll = page.getByRole("region", { name: "Sign out all users" });
  await expect(signOutAll.getByRole("status")).toContainText("Tick the box to confirm");
  await page.getByLabel("I understand that everyone in the organisation, me included, will be signed out").check();
  await page.getByRole("button", { name: "Sign out all users" }).click();
  await expect(page).toHaveURL("/login");

  const colleaguePage = await colleagueContext.newPage();
  await colleaguePage.goto("/");
  await expect(colleaguePage).toHaveURL("/login?reason=session-ended");
  const outsiderPage = await outsiderContext.newPage();
  await outsiderPage.goto("/");
  await expect(outsiderPage).toHaveURL("/");
  await colleagueContext.close();
  await outsiderContext.close();
});

test("an admin sets the session duration for new sessions", async ({ page, context, db, createUser, signInAs }) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  await page.getByLabel("Session duration (days)").fill("30");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(
    page.getByRole("status").filter({
      hasText: "Settings saved. New sessions will last 30 days; sessions idle for 14 days are signed out.",
    }),
  ).toBeVisible();
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionDurationDays,
  ).toBe(30);
});
