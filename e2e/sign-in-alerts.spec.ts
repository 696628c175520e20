import crypto from "node:crypto";
import type { Browser } from "@playwright/test";
import { eq } from "drizzle-orm";
import { expect, expectNoAxeViolations, outboxEmails, signInWithForm, signOut, test, type TestUser } from "./fixtures";
import type { Db } from "@/db";
import { knownBrowsers, organisations, users } from "@/db/schema";
import { knownBrowserCookie } from "@/lib/auth/cookie-definitions";
import { OIDC_E2E_ORGANISATION_ID } from "@/test/stand-ins/oidc-client";

const FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

const newSignInAlerts = async (db: Db, user: TestUser) =>
  (await outboxEmails(db, user.email)).filter((mail) => mail.subject?.includes("New sign-in to Twofold"));

/** A browser of its own (its own cookies), from its own address. */
async function signInFromNewBrowser(browser: Browser, user: TestUser, address: string, userAgent?: string) {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": address }, userAgent });
  const page = await context.newPage();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  return { context, page };
}

test("a sign-in from a new browser emails the owner; the same browser again does not; turning alerts off on /profile stops them", async ({
  browser,
  db,
  createUser,
}) => {
  const user = await createUser();

  const usual = await signInFromNewBrowser(browser, user, "198.19.20.1");
  await test.step("the account's very first browser sends no alert", async () => {
    // The alert goes after the response: give it the time it would take.
    await usual.page.waitForTimeout(1000);
    expect(await newSignInAlerts(db, user)).toHaveLength(0);
  });

  const laptop = await signInFromNewBrowser(browser, user, "203.0.113.45", FIREFOX_ON_LINUX);
  await test.step("a second, new browser sends New sign-in to Twofold, with browser, system, address and time", async () => {
    await expect.poll(async () => (await newSignInAlerts(db, user)).length).toBe(1);
    const [alert] = await newSignInAlerts(db, user);
    expect(alert!.body).toContain("Browser: Firefox 128");
    expect(alert!.body).toContain("System: Linux");
    expect(alert!.body).toContain("Address: 203.0.113.45");
    expect(alert!.body).toMatch(/Time: .* UTC/);
    expect(alert!.body).toContain("/profile#sessions");
  });

  await test.step("the same browser signing in again sends nothing", async () => {
    await signOut(laptop.page);
    await signInWithForm(laptop.page, user);
    await expect(laptop.page).toHaveURL("/");
    await laptop.page.waitForTimeout(1000);
    expect(await newSignInAlerts(db, user)).toHaveLength(1);
  });

  await test.step("the owner turns the alerts off on /profile", async () => {
    const { page } = usual;
    await page.goto("/profile");
    const checkbox = page.getByLabel("Email me when a new browser signs in to my account");
    await expect(checkbox).toBeChecked();
    await expectNoAxeViolations(page);
    await checkbox.uncheck();
    const card = page.getByRole("region", { name: "Sign-in alerts" });
    await card.getByRole("button", { name: "Save", exact: true }).click();
    await expect(card.getByRole("status")).toHaveText("Sign-in alerts are off.");
    await expectNoAxeViolations(page);
    await page.reload();
    await expect(page.getByLabel("Email me when a new browser signs in to my account")).not.toBeChecked();
    await page.screenshot({ path: test.info().outputPath("profile-sign-in-alerts-off.png"), fullPage: true });
  });

  await test.step("another new browser now sends nothing", async () => {
    const third = await signInFromNewBrowser(browser, user, "203.0.113.46");
    await third.page.waitForTimeout(1000);
    expect(await newSignInAlerts(db, user)).toHaveLength(1);
    await third.context.close();
  });
  await usual.context.close();
  await laptop.context.close();
});

test("an administrator sees a user's recent sign-ins, failures included", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read"] });
  const member = await createUser({ organisationId: admin.organisationId, name: "Mo Member" });
  const members = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": "203.0.113.77" },
    userAgent: FIREFOX_ON_LINUX,
  });
  const memberPage = await members.newPage();
  await signInWithForm(memberPage, { email: member.email, password: "not it" });
  await expect(memberPage.getByRole("status")).toHaveText("Incorrect email or password.");
  await signInWithForm(memberPage, member);
  await expect(memberPage).toHaveURL("/");
  await members.close();

  await signInAs(context, admin);
  await page.goto(`/admin/users/${member.id}`);
  const recent = page.getByRole("region", { name: "Recent sign-ins" });
  await expect(recent.getByRole("heading", { name: "Recent sign-ins" })).toBeVisible();
  const rows = recent.getByRole("row");
  // A header row, then newest first: the completed sign-in, its password step, the wrong password.
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(1)).toContainText("Signed in");
  await expect(rows.nth(2)).toContainText("Password accepted");
  await expect(rows.nth(1)).toContainText("203.0.113.77");
  await expect(rows.nth(1)).toContainText("Firefox on Linux");
  await expect(rows.nth(3)).toContainText("Wrong password");
  await expect(rows.nth(1)).toContainText("UTC");
  await expectNoAxeViolations(page);
  await recent.screenshot({ path: test.info().outputPath("admin-recent-sign-ins.png") });
  void db;
});

test("signing in with SSO makes the browser known too", async ({ browser, db }) => {
  await db
    .insert(organisations)
    .values({ id: OIDC_E2E_ORGANISATION_ID, name: "SSO Org", twoFactorPolicy: "required" })
    .onConflictDoNothing();
  const issuer = process.env.E2E_OIDC_ISSUER!;
  const login = `sso-${crypto.randomUUID().slice(0, 8)}`;
  const claims = { email: `${login}@corp.example.com`, name: "Grace Known", email_verified: true };
  expect(
    (await fetch(`${issuer}/_stand-in/accounts/${login}`, { method: "POST", body: JSON.stringify(claims) })).status,
  ).toBe(204);

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("checked by the identity provider");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(issuer));
  await expect(page).toHaveURL(/\/$/);

  const user = (await db.select().from(users).where(eq(users.ssoSubject, login)))[0]!;
  expect(await db.select().from(knownBrowsers).where(eq(knownBrowsers.userId, user.id))).toHaveLength(1);
  const device = (await context.cookies()).find((cookie) => cookie.name === knownBrowserCookie(false).name);
  expect(device).toMatchObject({ httpOnly: true });
  expect(device!.expires * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 60 * 60 * 1000);
  await context.close();
});
