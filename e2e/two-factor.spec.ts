import { and, eq } from "drizzle-orm";
import { auditEvents, outbox, recoveryCodes, sessions, totpCredentials, trustedBrowsers } from "@/db/schema";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { request as playwrightRequest, type Page } from "@playwright/test";
import type { Db } from "@/db";
import { createSession } from "@/lib/auth/sessions";
import { expect, failOnServerErrors, freshTotpCode, signInWithForm, signOut, test, type TestUser } from "./fixtures";

const SESSION_COOKIE = "twofold.session";

/** Password, a fresh code, and "Remember this browser for 90 days". */
async function signInRemembering(page: Page, db: Db, user: TestUser) {
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByLabel("Remember this browser for 90 days").check();
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
}

test("a user enrols from the profile, signs in with a fresh code, and a reused code is refused", async ({
  page,
  db,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  await page.goto("/profile");
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Enable two-factor authentication" }).click();

  await section.getByLabel("Password", { exact: true }).fill("not my password");
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByText("That is not your current password.")).toBeVisible();
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  await section.getByRole("button", { name: "Continue" }).click();

  await expect(section.getByRole("img", { name: "QR code" })).toBeVisible();
  const shownSecret = (await section.getByLabel("Secret key").textContent())!;
  expect(shownSecret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  const secret = shownSecret.replaceAll(" ", "");

  // At rest the secret is ciphertext, not base32 that anyone with the file could load into an app.
  const stored = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)))[0]!;
  expect(stored.confirmedAt).toBeNull();
  expect(stored.secretEncrypted).not.toContain(secret);
  expect(stored.secretEncrypted).not.toMatch(/^[A-Z2-7=]+$/);

  await section.getByLabel("Code").fill("123456");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByText("That code is not valid.", { exact: false })).toBeVisible();
  await section.getByLabel("Code").fill(totpCodeAt(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await section.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(section.getByText("Two-factor authentication is on: authenticator app.")).toBeVisible();
  await expect(section.getByText("10 of 10 recovery codes left.")).toBeVisible();
  expect((await db.select().from(outbox).where(eq(outbox.to, user.email))).map((mail) => mail.subject)).toContainEqual(
    expect.stringContaining("two-factor authentication is on"),
  );

  await signOut(page);
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor");
  await page.goto("/");
  await expect(page).toHaveURL("/login/two-factor");

  const halfwayToken = (await page.context().cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  const code = await freshTotpCode(db, user, secret);
  await page.getByLabel("Code").fill(`${code.slice(0, 3)} ${code.slice(3)}`);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByText("On: after your password, you enter a code from your authenticator app.")).toBeVisible();
  // The session id changed when the second factor was passed.
  const activeToken = (await page.context().cookies()).find((cookie) => cookie.name === SESSION_COOKIE)!.value;
  expect(activeToken).not.toBe(halfwayToken);
  expect((await db.select().from(sessions).where(eq(sessions.userId, user.id))).map((row) => row.stage)).toEqual([
    "active",
  ]);

  await signOut(page);
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not valid. 4 attempts left.")).toBeVisible();
  await expect(page).toHaveURL("/login/two-factor");
  noServerErrors();
});

test("five wrong codes end the half-signed-in session", async ({ page, db, createUser }) => {
  const user = await createUser({ totp: true });
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor");
  for (let attempt = 1; attempt <= 4; attempt++) {
    await page.getByLabel("Code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(
      page.getByText(`That code is not valid. ${5 - attempt} attempt${5 - attempt === 1 ? "" : "s"} left.`),
    ).toBeVisible();
  }
  await page.getByLabel("Code").fill("not a code at all");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/login?reason=too-many-codes");
  await expect(page.getByRole("status")).toHaveText("Too many wrong codes. Sign in again to try once more.");
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  const failures = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "two_factor.failed")));
  expect(failures).toHaveLength(5);
});

test("a recovery code works once", async ({ page, db, createUser }) => {
  const user = await createUser({ totp: true });
  const recoveryCode = user.recoveryCodes![0]!;
  await signInWithForm(page, user);
  await page.getByText("Use a recovery code").click();
  await page.getByLabel("Code").fill(` ${recoveryCode.toUpperCase().replaceAll("-", " ")} `);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/recovery-code-used");
  await page.goto("/profile");
  await expect(page.getByText("9 of 10 recovery codes left.")).toBeVisible();

  await signOut(page);
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(recoveryCode);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not valid. 4 attempts left.")).toBeVisible();
  expect(
    (await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).filter((code) => code.usedAt),
  ).toHaveLength(1);
});

test("“Remember this browser” skips the code at the next sign-in, until the browser is forgotten", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  await signInRemembering(page, db, user);
  const trusted = (await page.context().cookies()).find((cookie) => cookie.name === "twofold.trusted")!;
  expect(trusted.httpOnly).toBe(true);
  expect(trusted.sameSite).toBe("Lax");
  expect((trusted.expires * 1000 - Date.now()) / 86_400_000).toBeCloseTo(90, 0);
  expect((await db.select().from(trustedBrowsers).where(eq(trustedBrowsers.userId, user.id)))[0]!.tokenHash).not.toBe(
    trusted.value,
  );

  await signOut(page);
  // The password is still needed: a wrong one is refused as ever.
  await signInWithForm(page, { email: user.email, password: "wrong password" });
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");

  await page.goto("/profile");
  await page.getByRole("button", { name: /^Forget Chrome/ }).click();
  await expect(page.getByText("No browser is remembered.")).toBeVisible();
  await signOut(page);
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor");
});

test("a remembered browser is worth nothing to another user", async ({ page, db, createUser }) => {
  const first = await createUser({ totp: true });
  const second = await createUser({ totp: true, organisationId: first.organisationId });
  await signInRemembering(page, db, first);
  await signOut(page);
  await signInWithForm(page, second);
  await expect(page).toHaveURL("/login/two-factor");
});

test("disabling needs the password and a code, and wipes the secret, recovery codes and remembered browsers", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  await signInRemembering(page, db, user);

  await page.goto("/profile");
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Disable two-factor authentication" }).click();
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  await section.getByLabel("Code").fill("000000");
  await section.getByRole("button", { name: "Disable two-factor authentication" }).click();
  await expect(section.getByText("That code is not valid.")).toBeVisible();
  // Like every form here, it forgets typed passwords after an error.
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  await section.getByLabel("Code").fill(user.recoveryCodes![3]!);
  await section.getByRole("button", { name: "Disable two-factor authentication" }).click();
  await expect(section.getByText("Two-factor authentication is off.")).toBeVisible();
  await expect(section.getByRole("button", { name: "Enable two-factor authentication" })).toBeVisible();

  expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id))).toHaveLength(0);
  expect(await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).toHaveLength(0);
  expect(await db.select().from(trustedBrowsers).where(eq(trustedBrowsers.userId, user.id))).toHaveLength(0);
  expect((await db.select().from(outbox).where(eq(outbox.to, user.email))).map((mail) => mail.subject)).toContainEqual(
    expect.stringContaining("two-factor authentication is off"),
  );
  await signOut(page);
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
});

test("a new recovery code set needs the password and a code, and replaces the old one", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser({ totp: true });
  await signInAs(context, user);
  await page.goto("/profile");
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Regenerate recovery codes" }).click();
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  // The password alone is not enough: otherwise a password and a session could mint new second factors.
  await section.getByLabel("Code").fill("000000");
  await section.getByRole("button", { name: "Regenerate recovery codes" }).click();
  await expect(section.getByText("That code is not valid.")).toBeVisible();
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  await section.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await section.getByRole("button", { name: "Regenerate recovery codes" }).click();
  const list = section.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(list).toHaveCount(10);
  const fresh = await list.allTextContents();
  expect(fresh).not.toContain(user.recoveryCodes![0]);

  await signOut(page);
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(user.recoveryCodes![0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not valid. 4 attempts left.")).toBeVisible();
  await page.getByLabel("Code").fill(fresh[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/recovery-code-used");
});

test("twenty simultaneous submissions of one valid code: exactly one signs in", async ({
  page,
  db,
  baseURL,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  // One real submission, to learn the request the browser makes.
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill("000000");
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await page.getByRole("button", { name: "Verify" }).click();
  const template = await posted;

  const code = await freshTotpCode(db, user, user.totpSecret!);
  const body = template
    .postDataBuffer()!
    .toString("latin1")
    .replace('"000000"', JSON.stringify(code))
    .replace("\r\n\r\n000000\r\n", `\r\n\r\n${code}\r\n`);
  expect(body).toContain(code);
  const tokens = await Promise.all(
    Array.from(
      { length: 20 },
      async () =>
        (await createSession(db, { userId: user.id, stage: "password", context: { ip: null, userAgent: null } })).token,
    ),
  );
  const headers = { ...template.headers() };
  delete headers.cookie;

  const responses = await Promise.all(
    tokens.map(async (token) => {
      const context = await playwrightRequest.newContext({ baseURL });
      const response = await context.fetch(template.url(), {
        method: "POST",
        headers: { ...headers, cookie: `${SESSION_COOKIE}=${token}` },
        data: Buffer.from(body, "latin1"),
        maxRedirects: 0,
      });
      const redirect = response.headers()["x-action-redirect"]?.split(";")[0] ?? null;
      await context.dispose();
      return { status: response.status(), redirect };
    }),
  );
  expect(responses.filter((response) => response.redirect === "/")).toHaveLength(1);
  expect(responses.filter((response) => response.status >= 500)).toHaveLength(0);
  expect(
    await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.stage, "active"))),
  ).toHaveLength(1);
});
