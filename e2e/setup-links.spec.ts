import type { Page } from "@playwright/test";
import { and, desc, eq } from "drizzle-orm";
import { earlierBy } from "@/db/portable-sql";
import { auditEvents, emailLinks, organisations, sessions, totpCredentials, users } from "@/db/schema";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { createSession } from "@/lib/auth/sessions";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
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

// Long journeys through several browsers, on a machine that may be busy.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 240_000 });

/** While the user is signed in, their organisation starts requiring 2FA, set up by emailed link. */
async function oweSetupByEmail(db: Parameters<typeof outboxEmails>[0], organisationId: number): Promise<void> {
  await db
    .update(organisations)
    .set({ allowCode: false, requiredSetupFlow: "emailed_link", twoFactorPolicy: "required" })
    .where(eq(organisations.id, organisationId));
}

/** The link path in the newest email to `to`, as the user would click it. */
async function linkPathIn(db: Parameters<typeof outboxEmails>[0], to: string, pattern: RegExp): Promise<string> {
  const body = (await outboxEmails(db, to))[0]?.body ?? "";
  const url = new RegExp(`https?://\\S+(${pattern.source})`).exec(body)?.[1];
  if (!url) throw new Error(`no link in: ${body}`);
  return url;
}

/** `password`: the setup link's page asks for it, so the session alone binds nothing. */
async function enrolFromShownSecret(page: Page, password?: string) {
  await page.getByRole("button", { name: "Enable two-factor authentication" }).click();
  if (password) {
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Continue" }).click();
  }
  await expect(page.getByRole("img", { name: "QR code" })).toBeVisible();
  const secret = (await page.getByLabel("Secret key").textContent())!.replaceAll(" ", "");
  await page.getByLabel("Code").fill(totpCodeAt(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
}

const setupLinkOf = async (db: Parameters<typeof outboxEmails>[0], userId: number) =>
  (
    await db
      .select()
      .from(emailLinks)
      .where(and(eq(emailLinks.userId, userId), eq(emailLinks.purpose, "authenticator_setup")))
      .orderBy(desc(emailLinks.id))
  )[0]!;

test("an admin sends a setup link; the signed-out user signs in through it, comes back and enrols; it works once and only for them", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const user = await createUser({ organisationId: admin.organisationId, name: "Lina Link" });
  const colleague = await createUser({ organisationId: admin.organisationId });
  const apiAccount = await createUser({ organisationId: admin.organisationId });
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, apiAccount.id));
  await signInAs(context, admin);

  // Not offered to accounts that cannot enrol here.
  await page.goto(`/admin/users/${apiAccount.id}`);
  await expect(page.getByRole("button", { name: "Send setup link" })).toHaveCount(0);

  await page.goto(`/admin/users/${user.id}`);
  await submitAndWait(page, page.getByRole("button", { name: "Send setup link" }));
  await expect(page.getByText(`Setup link sent to ${user.email}`)).toBeVisible();
  await expectNoAxeViolations(page);
  // The admin sees neither the link nor any secret.
  const path = await linkPathIn(db, user.email, /\/setup\/[A-Za-z0-9_-]+/);
  const token = path.slice("/setup/".length);
  await expect(page.locator("body")).not.toContainText(token);
  await expect(page.getByLabel("Secret key")).toHaveCount(0);
  expect((await setupLinkOf(db, user.id)).tokenHash).not.toContain(token);
  const sent = (
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "setup_link.sent"), eq(auditEvents.targetUserId, user.id)))
  )[0];
  expect(sent?.actorUserId).toBe(admin.id);

  // A second link replaces the first.
  await submitAndWait(page, page.getByRole("button", { name: "Send setup link" }));
  const newerPath = await linkPathIn(db, user.email, /\/setup\/[A-Za-z0-9_-]+/);
  expect(newerPath).not.toBe(path);

  // Someone else, signed in, cannot use it, and opening it spends nothing.
  const colleagueContext = await browser.newContext();
  await signInAs(colleagueContext, colleague);
  const colleaguePage = await colleagueContext.newPage();
  const refused = await colleaguePage.goto(newerPath);
  expect(refused?.status()).toBe(403);
  await expect(colleaguePage.getByRole("heading", { name: "This setup link is for someone else" })).toBeVisible();
  await expect(colleaguePage.getByRole("button", { name: "Enable two-factor authentication" })).toHaveCount(0);
  await expectNoAxeViolations(colleaguePage);
  expect((await setupLinkOf(db, user.id)).usedAt).toBeNull();

  // Signed out: sign in first, then back to the link.
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await userPage.goto(path);
  await expect(userPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(new URL(userPage.url()).pathname).toBe("/login");
  expect(new URL(userPage.url()).searchParams.get("next")).toBe(path);
  await userPage.getByLabel("Email").fill(user.email);
  await userPage.getByLabel("Password").fill(user.password);
  await userPage.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(userPage).toHaveURL(path);
  // The replaced link says so, and offers nothing.
  await expect(userPage.getByRole("heading", { name: "This setup link no longer works" })).toBeVisible();
  await expectNoAxeViolations(userPage);

  await userPage.goto(newerPath);
  await expect(userPage.getByRole("heading", { name: "Set up your authenticator app" })).toBeVisible();
  await expectNoAxeViolations(userPage);
  // Merely showing the page spent nothing.
  expect((await setupLinkOf(db, user.id)).usedAt).toBeNull();
  await enrolFromShownSecret(userPage, user.password);
  await userPage.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(userPage.getByRole("heading", { name: "Your authenticator app is set up" })).toBeVisible();
  await expectNoAxeViolations(userPage);
  expect(
    (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)))[0]?.confirmedAt,
  ).toBeInstanceOf(Date);
  expect((await setupLinkOf(db, user.id)).usedAt).toBeInstanceOf(Date);
  expect(
    (
      await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.type, "setup_link.used"), eq(auditEvents.targetUserId, user.id)))
    )[0],
  ).toBeTruthy();

  // The link cannot be used again: no enrolment is offered, whoever opens it.
  await userPage.goto(newerPath);
  await expect(userPage.getByRole("button", { name: "Enable two-factor authentication" })).toHaveCount(0);
  await userPage.getByRole("link", { name: "Go to your profile" }).click();
  await expect(userPage).toHaveURL("/profile");
  await expect(userPage.getByRole("button", { name: "Disable two-factor authentication" })).toBeVisible();
  expect((await colleaguePage.goto(newerPath))?.status()).toBe(403);

  // An unknown token is a clear message, not an error.
  await userPage.goto("/setup/not-a-real-token");
  await expect(userPage.getByRole("heading", { name: "This setup link does not work" })).toBeVisible();
  await expectNoAxeViolations(userPage);

  await colleagueContext.close();
  await userContext.close();
  noServerErrors();
});

test("a user who already has an authenticator app is told so by a setup link", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const user = await createUser({ organisationId: admin.organisationId, totp: true });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${user.id}`);
  await submitAndWait(page, page.getByRole("button", { name: "Send setup link" }));
  const path = await linkPathIn(db, user.email, /\/setup\/[A-Za-z0-9_-]+/);
  await context.clearCookies();
  await signInAs(context, user);
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "You already have an authenticator app" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Go to your profile" })).toHaveAttribute("href", "/profile");
  await expectNoAxeViolations(page);
  expect((await setupLinkOf(db, user.id)).usedAt).toBeNull();
});

test("/login honours a same-site next after the second factor, and ignores any other", async ({
  page,
  db,
  createUser,
}) => {
  const withApp = await createUser({ totp: true });
  await page.goto("/login?next=/profile");
  await page.getByLabel("Email").fill(withApp.email);
  await page.getByLabel("Password").fill(withApp.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL("/login/two-factor");
  await page.getByLabel("Code").fill(await freshTotpCode(db, withApp, withApp.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/profile");

  const plain = await createUser();
  for (const next of ["//evil.example", "https://evil.example", "/\\evil.example"]) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await expect(page.locator('input[name="next"]')).toHaveCount(0);
    await page.getByLabel("Email").fill(plain.email);
    await page.getByLabel("Password").fill(plain.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL("/");
  }

  // Posted by hand, past the page: the action ignores it all the same.
  await page.context().clearCookies();
  await page.goto("/login");
  await page.evaluate(() => {
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name: "next", value: "//evil.example/steal" });
    document.querySelector("form")!.append(input);
  });
  await page.getByLabel("Email").fill(plain.email);
  await page.getByLabel("Password").fill(plain.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL("/");
});

test("setup through an emailed link at sign-in: check your email, only this browser's link moves on, enrolling finishes the sign-in", async ({
  browser,
  page,
  context,
  db,
  baseURL,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["settings:manage"] });
  const user = await createUser({
    organisationId: admin.organisationId,
    columns: { twoFactorRequirement: "required" },
  });
  // With codes allowed, required users would get codes without setup.
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, admin.organisationId));

  await signInAs(context, admin);
  await page.goto("/admin/settings");
  const flow = page.getByRole("group", { name: "Setting up at sign-in" });
  await expect(flow.getByLabel("On screen, right after the password")).toBeChecked();
  await flow.getByLabel("Through a link emailed to the user").check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await expectNoAxeViolations(page);
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.requiredSetupFlow,
  ).toBe("emailed_link");
  const saved = (
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "settings.updated"), eq(auditEvents.actorUserId, admin.id)))
  )[0];
  expect(saved?.details?.requiredSetupFlow).toBe("emailed_link");

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signInWithForm(userPage, user);
  await expect(userPage).toHaveURL("/login/setup/email");
  await expect(userPage.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await expect(userPage.getByText(`We emailed a link to ${user.email.slice(0, 1)}•••@example.com`)).toBeVisible();
  await expectNoAxeViolations(userPage);
  for (const path of ["/", "/profile", "/login/setup", "/login/two-factor"]) {
    await userPage.goto(path);
    await expect(userPage).toHaveURL("/login/setup/email");
  }
  const firstLink = await linkPathIn(db, user.email, /\/login\/setup\/link\/[A-Za-z0-9_-]+/);

  // Another browser, and another half-signed-in session of the same user, are refused; nothing is spent.
  const otherBrowser = await browser.newContext();
  const otherPage = await otherBrowser.newPage();
  await otherPage.goto(firstLink);
  await expect(
    otherPage.getByRole("heading", { name: "Open this link in the browser where you signed in" }),
  ).toBeVisible();
  await expectNoAxeViolations(otherPage);
  const otherSession = await createSession(db, {
    userId: user.id,
    stage: "email_setup",
    context: { ip: null, userAgent: null },
  });
  await otherBrowser.addCookies([
    { name: sessionCookie(false).name, value: otherSession.token, url: baseURL!, httpOnly: true, sameSite: "Lax" },
  ]);
  await otherPage.goto(firstLink);
  await expect(
    otherPage.getByRole("heading", { name: "Open this link in the browser where you signed in" }),
  ).toBeVisible();
  await expect(otherPage.getByRole("button", { name: "Continue to set up" })).toHaveCount(0);
  const linksOfUser = async () =>
    await db
      .select()
      .from(emailLinks)
      .where(and(eq(emailLinks.userId, user.id), eq(emailLinks.purpose, "sign_in_setup")))
      .orderBy(emailLinks.id);
  expect((await linksOfUser()).map((link) => link.usedAt)).toEqual([null]);

  // "Send the link again" waits out the cooldown, then replaces the link.
  await userPage.goto("/login/setup/email");
  // As if the sign-in's link had gone a moment ago, however long this test took to get here.
  await db.update(emailLinks).set({ createdAt: new Date() }).where(eq(emailLinks.userId, user.id));
  await submitAndWait(userPage, userPage.getByRole("button", { name: "Send the link again" }));
  await expect(userPage.getByText(/Please wait \d+ seconds? before asking for another link\./)).toBeVisible();
  expect(await outboxEmails(db, user.email)).toHaveLength(1);
  await db
    .update(emailLinks)
    .set({ createdAt: earlierBy(emailLinks.createdAt, 31_000) })
    .where(eq(emailLinks.userId, user.id));
  await submitAndWait(userPage, userPage.getByRole("button", { name: "Send the link again" }));
  await expect(
    userPage.getByText(`We sent a new link to ${user.email.slice(0, 1)}•••@example.com. Earlier links no longer work.`),
  ).toBeVisible();
  await expectNoAxeViolations(userPage);
  const secondLink = await linkPathIn(db, user.email, /\/login\/setup\/link\/[A-Za-z0-9_-]+/);
  expect(secondLink).not.toBe(firstLink);
  await userPage.goto(firstLink);
  await expect(userPage.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expectNoAxeViolations(userPage);

  // Refused in the other browser, the new link still works where the user signed in.
  await otherPage.goto(secondLink);
  await expect(
    otherPage.getByRole("heading", { name: "Open this link in the browser where you signed in" }),
  ).toBeVisible();
  await userPage.goto(secondLink);
  await expect(userPage.getByRole("heading", { name: "Your email address is confirmed" })).toBeVisible();
  await expectNoAxeViolations(userPage);
  expect((await linksOfUser()).at(-1)!.usedAt).toBeNull();
  await userPage.getByRole("button", { name: "Continue to set up" }).click();
  await expect(userPage).toHaveURL("/login/setup");
  await userPage.goto("/");
  await expect(userPage).toHaveURL("/login/setup");
  await enrolFromShownSecret(userPage);
  await userPage.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(userPage).toHaveURL("/");
  await expect(
    userPage.getByText("On: after your password, you enter a code from your authenticator app."),
  ).toBeVisible();
  expect((await linksOfUser()).at(-1)!.usedAt).toBeInstanceOf(Date);
  expect(
    await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.stage, "active"))),
  ).toHaveLength(1);

  // Spent: it does not work anywhere any more.
  await otherPage.goto(secondLink);
  await expect(otherPage.getByRole("button", { name: "Continue to set up" })).toHaveCount(0);
  await userPage.goto(secondLink);
  await expect(userPage.getByRole("button", { name: "Continue to set up" })).toHaveCount(0);

  await otherBrowser.close();
  await userContext.close();
  noServerErrors();
});

test("a session already open when setup by email becomes owed goes to the email step, with a link sent", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  await expect(page).toHaveURL("/profile");
  await oweSetupByEmail(db, user.organisationId);
  await page.goto("/profile");
  await expect(page).toHaveURL("/login/setup/email");
  await expect(page.getByText(/We emailed a link to/)).toBeVisible();
  expect((await outboxEmails(db, user.email))[0]?.body).toMatch(/\/login\/setup\/link\/[A-Za-z0-9_-]+/);
});

test("rendering a page sends and changes nothing: the setup route it redirects to demotes the session and sends one link, however often it is asked", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
  baseURL,
}) => {
  const user = await createUser();
  const bystander = await createUser({ organisationId: user.organisationId });
  await signInAs(context, user);
  await page.goto("/profile");
  await expect(page).toHaveURL("/profile");
  await oweSetupByEmail(db, user.organisationId);
  const stageOf = async (userId: number) =>
    (await db.select({ stage: sessions.stage }).from(sessions).where(eq(sessions.userId, userId))).map(
      (row) => row.stage,
    );

  await test.step("two quick requests for a page only redirect to the setup route", async () => {
    const answers = await Promise.all([
      context.request.get("/profile", { maxRedirects: 0 }),
      context.request.get("/", { maxRedirects: 0 }),
    ]);
    for (const answer of answers) {
      expect(answer.status()).toBe(307);
      expect(answer.headers().location).toMatch(/\/login\/setup\/start$/);
    }
    expect(await outboxEmails(db, user.email)).toHaveLength(0);
    expect(await stageOf(user.id)).toEqual(["active"]);
  });

  await test.step("the route sends exactly one link, even asked twice at once", async () => {
    const answers = await Promise.all([1, 2].map(() => context.request.get("/login/setup/start", { maxRedirects: 0 })));
    for (const answer of answers) expect(answer.headers().location).toMatch(/\/login\/setup\/email$/);
    expect(await outboxEmails(db, user.email)).toHaveLength(1);
    expect(await stageOf(user.id)).toEqual(["email_setup"]);
  });

  await test.step("the route changes nothing for a visitor without a session, or a session that owes no setup", async () => {
    const signedOut = await browser.newContext({ baseURL });
    const answer = await signedOut.request.get("/login/setup/start", { maxRedirects: 0 });
    expect(answer.headers().location).toMatch(/\/login$/);
    await signedOut.close();

    // A bystander for whom 2FA is optional goes home, untouched.
    await db.update(users).set({ twoFactorRequirement: "optional" }).where(eq(users.id, bystander.id));
    const bystanderContext = await browser.newContext({ baseURL });
    await signInAs(bystanderContext, bystander);
    const home = await bystanderContext.request.get("/login/setup/start", { maxRedirects: 0 });
    expect(home.headers().location).toMatch(/^(https?:\/\/[^/]+)?\/$/);
    expect(await stageOf(bystander.id)).toEqual(["active"]);
    expect(await outboxEmails(db, bystander.email)).toHaveLength(0);
    await bystanderContext.close();
  });
});

test("a server action whose guard finds setup owed goes through the setup route to the email step", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const card = page.getByRole("region", { name: "Sign-in alerts" });
  await expect(card.getByRole("button", { name: "Save", exact: true })).toBeVisible();
  await oweSetupByEmail(db, user.organisationId);
  await card.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL("/login/setup/email");
  await expect(page.getByText(/We emailed a link to/)).toBeVisible();
  expect(await outboxEmails(db, user.email)).toHaveLength(1);
  noServerErrors();
});
