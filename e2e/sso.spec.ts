import crypto from "node:crypto";
import { request as playwrightRequest, type Browser, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, organisations, roles, sessions, userRoles, users } from "@/db/schema";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { createSession } from "@/lib/auth/sessions";
import { OIDC_E2E_ORGANISATION_ID } from "@/test/stand-ins/oidc-client";
import { confirmInDialog, expect, expectNoAxeViolations, failOnServerErrors, signInWithForm, test } from "./fixtures";
import { allServerActions } from "./manifests";

const issuer = () => process.env.E2E_OIDC_ISSUER!;
const SSO_NOTE =
  /You sign in with SSO: your password and your second factor are handled by your organisation’s identity provider/;

/** Tells the identity provider what the ID token of `login` says. */
async function setIdpAccount(
  login: string,
  claims: { email?: string | null; name?: string; email_verified?: boolean; amr?: string[] },
) {
  const response = await fetch(`${issuer()}/_stand-in/accounts/${encodeURIComponent(login)}`, {
    method: "POST",
    body: JSON.stringify(claims),
  });
  expect(response.status).toBe(204);
}

/** "Sign in with SSO", then the identity provider's own login page, which sends the browser back to Twofold. */
async function signInWithSso(page: Page, login: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer()));
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password: the identity provider checks it, not Twofold");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(issuer()));
}

const uniqueLogin = () => `sso-${crypto.randomUUID().slice(0, 8)}`;

/** An SSO user made the real way, by a first sign-in in a browser of its own; returns their row. */
async function firstSsoSignIn(browser: Browser, db: Db) {
  const login = uniqueLogin();
  const page = await browser.newPage();
  await signInWithSso(page, login);
  await expect(page).toHaveURL(/\/$/);
  await page.close();
  return (await db.select().from(users).where(eq(users.ssoSubject, login)))[0]!;
}

test.beforeAll(async ({ workerDb }) => {
  // The organisation SSO users join (OIDC_ORGANISATION_ID), requiring 2FA of everyone.
  await workerDb
    .insert(organisations)
    .values({ id: OIDC_E2E_ORGANISATION_ID, name: "SSO Org", twoFactorPolicy: "required" })
    .onConflictDoNothing();
});

test("Sign in with SSO goes through the identity provider to the dashboard, with no 2FA prompt though the organisation requires it", async ({
  page,
  db,
}) => {
  const expectNoServerErrors = failOnServerErrors(page);
  const login = uniqueLogin();
  await setIdpAccount(login, { email: `${login}@corp.example.com`, name: "Katherine Johnson", email_verified: true });
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, OIDC_E2E_ORGANISATION_ID)))[0]!.twoFactorPolicy,
  ).toBe("required");

  await page.goto("/login");
  await expectNoAxeViolations(page);
  await signInWithSso(page, login);

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Welcome, Katherine Johnson" })).toBeVisible();
  await expect(page.getByRole("main").getByText(`${login}@corp.example.com`)).toBeVisible();
  await expect(page.getByText("Exempt (signs in with SSO)")).toBeVisible();
  await expect(page.getByText(SSO_NOTE)).toBeVisible();
  await expectNoAxeViolations(page);

  // Created just in time, known by issuer and subject, without a password, with one fully signed-in session.
  const user = (
    await db
      .select()
      .from(users)
      .where(and(eq(users.ssoIssuer, issuer()), eq(users.ssoSubject, login)))
  )[0]!;
  expect(user).toMatchObject({
    organisationId: OIDC_E2E_ORGANISATION_ID,
    email: `${login}@corp.example.com`,
    passwordHash: null,
  });
  expect(user.lastSignInAt).not.toBeNull();
  expect(await db.select({ stage: sessions.stage }).from(sessions).where(eq(sessions.userId, user.id))).toEqual([
    { stage: "active" },
  ]);
  expect(
    await db.select({ type: auditEvents.type }).from(auditEvents).where(eq(auditEvents.targetUserId, user.id)),
  ).toEqual([{ type: "sso_sign_in.succeeded" }, { type: "sign_in.completed" }]);

  // Every page stays open: the guards never send an SSO user to setup.
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await expect(page.getByText(SSO_NOTE)).toBeVisible();
  await expect(page.getByRole("button", { name: "Enable two-factor authentication" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Set up codes by text message or email" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Password" })).toHaveCount(0);
  await expect(page.getByLabel("New password")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Mobile number" })).toHaveCount(0);
  await expectNoAxeViolations(page);
  expectNoServerErrors();
});

test("the profile's password and 2FA actions refuse an SSO user on the server, even posted by hand", async ({
  browser,
  db,
  baseURL,
  createUser,
}) => {
  const user = await firstSsoSignIn(browser, db);
  const local = await createUser();
  const cookieOf = async (userId: number) =>
    `${sessionCookie(false).name}=${(await createSession(db, { userId, stage: "active", context: { ip: null, userAgent: null } })).token}`;
  const refused = ["changePasswordAction", "startEnrolmentAction", "startCodesAction", "startMobileChangeAction"];
  const actions = allServerActions().filter((action) => refused.includes(action.name));
  expect(actions.map((action) => action.name).sort()).toEqual([...refused].sort());
  const request = await playwrightRequest.newContext({ baseURL });
  // The guard runs before the action reads any input: a call with no arguments shows what it makes of the session.
  const post = (action: (typeof actions)[number], cookie: string) =>
    request.post(action.page, {
      headers: {
        "next-action": action.id,
        "content-type": "text/plain;charset=UTF-8",
        accept: "text/x-component",
        cookie,
      },
      data: "[]",
      maxRedirects: 0,
    });
  for (const action of actions) {
    expect((await post(action, await cookieOf(user.id))).status(), action.name).toBe(403);
    // A password user's session gets past the guard (to a form error about the missing input).
    expect((await post(action, await cookieOf(local.id))).status(), action.name).toBe(200);
  }
  await request.dispose();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]).toMatchObject({
    passwordHash: null,
    mobileNumber: null,
  });
});

test("a second sign-in of the same subject with a changed, verified email lands in the same account", async ({
  browser,
  db,
}) => {
  const login = uniqueLogin();
  await setIdpAccount(login, { email: `${login}@old.example.com`, name: "Dorothy Vaughan", email_verified: true });
  const first = await browser.newPage();
  await signInWithSso(first, login);
  await expect(first.getByRole("main").getByText(`${login}@old.example.com`)).toBeVisible();
  await first.close();

  await setIdpAccount(login, { email: `${login}@new.example.com`, name: "Dorothy J. Vaughan", email_verified: true });
  const second = await browser.newPage();
  await signInWithSso(second, login);
  await expect(second.getByRole("heading", { name: "Welcome, Dorothy J. Vaughan" })).toBeVisible();
  await expect(second.getByRole("main").getByText(`${login}@new.example.com`)).toBeVisible();
  await second.close();

  // An address the provider has not verified could be anyone's: the account keeps the verified one.
  await setIdpAccount(login, {
    email: `${login}@unverified.example.com`,
    name: "Dorothy J. Vaughan",
    email_verified: false,
  });
  const third = await browser.newPage();
  await signInWithSso(third, login);
  await expect(third.getByRole("main").getByText(`${login}@new.example.com`)).toBeVisible();
  await third.close();

  const accounts = await db.select().from(users).where(eq(users.ssoSubject, login));
  expect(accounts.map((account) => account.email)).toEqual([`${login}@new.example.com`]);
  expect(
    await db
      .select()
      .from(users)
      .where(eq(users.email, `${login}@old.example.com`)),
  ).toEqual([]);
});

test("an identity-provider account carrying a local user's email does not get that user's account", async ({
  page,
  db,
  createUser,
}) => {
  const victim = await createUser({ organisationId: OIDC_E2E_ORGANISATION_ID, totp: true });
  const before = (await db.select().from(users).where(eq(users.id, victim.id)))[0]!;
  const attacker = uniqueLogin();
  await setIdpAccount(attacker, { email: victim.email.toUpperCase(), name: "Mallory", email_verified: true });

  await signInWithSso(page, attacker);
  await expect(page).toHaveURL(/\/login\?reason=sso-email-taken$/);
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: "An account with this email already exists. Ask an administrator for help." }),
  ).toBeVisible();
  await expectNoAxeViolations(page);

  // Nothing signed in, nothing created, nothing changed on the victim's account.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  expect(await db.select().from(users).where(eq(users.ssoSubject, attacker))).toEqual([]);
  expect((await db.select().from(users).where(eq(users.id, victim.id)))[0]).toEqual(before);
  expect(await db.select().from(sessions).where(eq(sessions.userId, victim.id))).toEqual([]);
  const refusal = (
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, victim.id), eq(auditEvents.type, "sign_in.refused")))
  )[0];
  expect(refusal?.details).toMatchObject({ reason: "sso_email_taken", subject: attacker });
});

test("an SSO user cannot fall back to a local password, whatever password is tried", async ({ page, browser, db }) => {
  const user = await firstSsoSignIn(browser, db);

  for (const password of ["wrong", "twofold-dummy-password-for-timing"]) {
    await signInWithForm(page, { email: user.email, password });
    await expect(page.getByText("Incorrect email or password.")).toBeVisible();
    await expect(page).toHaveURL(/\/login$/);
  }
  // One SSO session from the sign-in above, and none from the password form.
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
  const failures = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "sign_in.failed")));
  expect(failures).toHaveLength(2);
});

test("a disabled SSO user is refused at the callback", async ({ page, browser, db }) => {
  const user = await firstSsoSignIn(browser, db);
  await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));

  await signInWithSso(page, user.ssoSubject!);
  await expect(page).toHaveURL(/\/login\?reason=sso-disabled$/);
  await expect(page.getByText("This account has been disabled. Contact your administrator.")).toBeVisible();
});

test("Auth.js answers only the identity provider's callback: its other endpoints are 404", async ({
  request,
  page,
}) => {
  for (const path of [
    "/api/auth/session",
    "/api/auth/providers",
    "/api/auth/csrf",
    "/api/auth/signin/sso",
    "/api/auth/signout",
    "/api/auth/callback/credentials",
  ]) {
    expect((await request.get(path, { maxRedirects: 0 })).status(), path).toBe(404);
    expect(
      (await request.post(path, { maxRedirects: 0, form: { email: "a@example.com", password: "x" } })).status(),
      path,
    ).toBe(404);
  }
  // A callback nobody started (no state, no PKCE cookie) signs no one in.
  await page.goto("/api/auth/callback/sso?code=forged&state=forged");
  await expect(page).toHaveURL(/\/login\?error=/);
  await expect(page.getByText("Sign-in with SSO did not complete.")).toBeVisible();
});

test("the admin user page says the user signs in with SSO and offers no 2FA reset", async ({
  page,
  browser,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await firstSsoSignIn(browser, db);
  const admin = await createUser({
    organisationId: OIDC_E2E_ORGANISATION_ID,
    permissions: ["users:read", "users:manage"],
    totp: true,
  });
  await signInAs(context, admin);

  await page.goto(`/admin/users/${user.id}`);
  await expect(page.getByText(`SSO through ${issuer()}`)).toBeVisible();
  await expect(page.getByText("Exempt (signs in with SSO)")).toBeVisible();
  await expect(page.getByRole("button", { name: "Reset two-factor authentication" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Sign out everywhere" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await confirmInDialog(page, "Sign out");
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
});

test("an SSO user confirms access at the identity provider, which must ask them to sign in again (prompt=login, max_age=0)", async ({
  page,
  db,
}) => {
  const login = uniqueLogin();
  await signInWithSso(page, login);
  await expect(page).toHaveURL(/\/$/);
  const user = (await db.select().from(users).where(eq(users.ssoSubject, login)))[0]!;
  const longAgo = new Date(Date.now() - 60 * 60_000);
  await db.update(sessions).set({ authenticatedAt: longAgo, createdAt: longAgo }).where(eq(sessions.userId, user.id));

  await page.goto("/confirm-access?next=/profile");
  await expect(page.getByRole("heading", { name: "Confirm access" })).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Confirm with SSO" }).click();
  // The identity provider still has a session from the sign-in above: only prompt=login makes it ask again.
  await page.waitForURL((url) => url.href.startsWith(issuer()));
  const authorization = await db.select().from(sessions).where(eq(sessions.userId, user.id));
  expect(authorization).toHaveLength(1);
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(issuer()));
  await expect(page).toHaveURL(/\/profile(#access-confirmed)?$/);
  const fresh = (await db.select().from(sessions).where(eq(sessions.userId, user.id))).filter(
    (session) => session.authenticatedAt! > longAgo,
  );
  expect(fresh).toHaveLength(1);
});

/** The refusals recorded for an identity-provider subject (no account may exist to hang them on). */
const refusalsOf = async (db: Db, login: string) =>
  (
    await db
      .select({ details: auditEvents.details, targetUserId: auditEvents.targetUserId })
      .from(auditEvents)
      .where(eq(auditEvents.type, "sign_in.refused"))
  ).filter((event) => (event.details as { subject?: string } | null)?.subject === login);

test("OIDC_ALLOWED_DOMAINS: a first sign-in from a domain not on the list, or a subdomain of one on it, is refused and creates nothing", async ({
  browser,
  db,
}) => {
  for (const domain of ["outsider.example.org", "sub.corp.example.com"]) {
    const login = uniqueLogin();
    await setIdpAccount(login, { email: `${login}@${domain}`, name: "Outsider", email_verified: true });
    const page = await (await browser.newContext()).newPage();
    const expectNoServerErrors = failOnServerErrors(page);
    await signInWithSso(page, login);
    await expect(page).toHaveURL(/\/login\?reason=sso-domain-not-allowed$/);
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Twofold does not create accounts for your email domain. Ask an administrator." }),
    ).toBeVisible();
    await expectNoAxeViolations(page);
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    expect(await db.select().from(users).where(eq(users.ssoSubject, login))).toEqual([]);
    expect(await refusalsOf(db, login)).toEqual([
      {
        targetUserId: null,
        details: expect.objectContaining({ reason: "sso_domain_not_allowed", email: `${login}@${domain}` }),
      },
    ]);
    expectNoServerErrors();
    await page.context().close();
  }
});

test("OIDC_REQUIRE_MFA_FOR_ADMINS: an SSO user holding an admin permission gets in only when the identity provider asserts multi-factor (amr)", async ({
  browser,
  db,
}) => {
  const user = await firstSsoSignIn(browser, db);
  const login = user.ssoSubject!;
  const role = (
    await db
      .insert(roles)
      .values({ organisationId: OIDC_E2E_ORGANISATION_ID, name: `Auditors ${login}`, permissions: ["audit:read"] })
      .returning()
  )[0]!;
  await db.insert(userRoles).values({ userId: user.id, roleId: role.id });
  const sessionsBefore = (await db.select().from(sessions).where(eq(sessions.userId, user.id))).length;

  await test.step("no amr, or a password alone: refused, no session, audited", async () => {
    for (const amr of [undefined, ["pwd"]]) {
      await setIdpAccount(login, { email: user.email, name: user.name, email_verified: true, ...(amr ? { amr } : {}) });
      const page = await (await browser.newContext()).newPage();
      await signInWithSso(page, login);
      await expect(page).toHaveURL(/\/login\?reason=sso-mfa-required$/);
      await expect(
        page.getByRole("status").filter({
          hasText:
            "Administrators must use multi-factor authentication at the identity provider. Sign in there with a second factor, then try again.",
        }),
      ).toBeVisible();
      await expectNoAxeViolations(page);
      await page.context().close();
    }
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(sessionsBefore);
    expect(
      (await refusalsOf(db, login)).map((event) => [
        event.targetUserId,
        (event.details as { reason: string; amr: string }).reason,
        (event.details as { amr: string }).amr,
      ]),
    ).toEqual([
      [user.id, "sso_mfa_required", "(none)"],
      [user.id, "sso_mfa_required", "pwd"],
    ]);
  });

  await test.step("a password and a one-time code: in", async () => {
    await setIdpAccount(login, { email: user.email, name: user.name, email_verified: true, amr: ["pwd", "otp"] });
    const page = await (await browser.newContext()).newPage();
    await signInWithSso(page, login);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByText(SSO_NOTE)).toBeVisible();
    await page.context().close();
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(sessionsBefore + 1);
  });
});
