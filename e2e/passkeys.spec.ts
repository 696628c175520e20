import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import { and, desc, eq } from "drizzle-orm";
import type { BrowserContext, CDPSession, Page } from "@playwright/test";
import { isoCBOR } from "@simplewebauthn/server/helpers";
import { auditEvents, organisations, passkeys, roles, sessions, userRoles, users } from "@/db/schema";
import type { Db } from "@/db";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { createSession } from "@/lib/auth/sessions";
import { messages } from "@/lib/messages";
import { expect, expectNoAxeViolations, failOnServerErrors, freshTotpCode, test, type TestUser } from "./fixtures";

/*
 * Passkeys with Chromium's virtual authenticator (the DevTools protocol's
 * WebAuthn domain). WebAuthn refuses IP addresses as relying party ids, so
 * this spec starts its own server whose APP_URL is http://localhost:<port>,
 * on the shared e2e build and database, and browses that address.
 */

test.describe.configure({ mode: "serial" });

let server: { child: ChildProcess; origin: string } | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["scripts/start.mjs", "-H", "127.0.0.1", "-p", String(port)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      WEB_CONCURRENCY: "1",
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      AUTH_SECRET: process.env.E2E_AUTH_SECRET,
      APP_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
      APP_URL: origin,
      TRUSTED_PROXIES: "1",
      OUTBOX_PUBLIC: "1",
      OUTBOX_IN_PRODUCTION: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  server = { child, origin };
  for (let tries = 0; ; tries++) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (tries > 200) throw new Error(`the passkey server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

test.afterAll(() => {
  server?.child.kill("SIGTERM");
});

const origin = () => server!.origin;

async function virtualAuthenticator(page: Page, options: { isUserVerified?: boolean } = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: options.isUserVerified ?? true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** A full session for `user` on the passkey server, as a finished sign-in leaves it. */
async function signedIn(db: Db, context: BrowserContext, user: TestUser) {
  const { token } = await createSession(db, {
    userId: user.id,
    stage: "active",
    context: { ip: "198.18.0.1", userAgent: "e2e" },
  });
  await context.addCookies([
    { name: sessionCookie(false).name, value: token, url: origin(), httpOnly: true, sameSite: "Lax" },
  ]);
}

/**
 * A passkey whose private key the test knows: put into the virtual
 * authenticator (with `signCount`) and registered for `user` in the database
 * (with `storedCounter`), as a registration would have left it.
 */
async function injectPasskey(
  db: Db,
  cdp: CDPSession,
  authenticatorId: string,
  user: TestUser,
  { signCount = 0, storedCounter = 0, name = "Injected key" } = {},
) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const cose = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, "base64url")],
      [-3, Buffer.from(jwk.y!, "base64url")],
    ]),
  );
  const credentialId = crypto.randomBytes(16);
  const handle = crypto.randomBytes(32);
  await db
    .update(users)
    .set({ webauthnUserId: handle.toString("base64url") })
    .where(eq(users.id, user.id));
  await db.insert(passkeys).values({
    userId: user.id,
    credentialId: credentialId.toString("base64url"),
    publicKey: Buffer.from(cose).toString("base64url"),
    counter: storedCounter,
    transports: ["internal"],
    deviceType: "single_device",
    name,
  });
  return async () => {
    await cdp.send("WebAuthn.addCredential", {
      authenticatorId,
      credential: {
        credentialId: credentialId.toString("base64"),
        isResidentCredential: true,
        rpId: "localhost",
        privateKey: (privateKey.export({ format: "der", type: "pkcs8" }) as Buffer).toString("base64"),
        userHandle: handle.toString("base64"),
        signCount,
      },
    });
  };
}

/**
 * /login, with the email field's autofill request already waiting, and only
 * then the passkey in the authenticator: the virtual authenticator answers a
 * waiting autofill request by itself, so the test can choose which path runs.
 */
async function loginPageThenPasskey(page: Page, addToAuthenticator: () => Promise<void>) {
  await page.addInitScript(() => {
    const marked = window as unknown as { __autofillWaiting?: boolean; __autofillWatched?: boolean };
    if (marked.__autofillWatched) return;
    marked.__autofillWatched = true;
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options) => {
      if (options?.mediation === "conditional") marked.__autofillWaiting = true;
      return get(options);
    };
  });
  await page.goto(`${origin()}/login`);
  await page.waitForFunction(() => (window as unknown as { __autofillWaiting?: boolean }).__autofillWaiting === true);
  // The page has asked; a moment more for the browser to register the request behind the call.
  await page.waitForTimeout(300);
  await addToAuthenticator();
}

async function latestEvent(db: Db, userId: number, type: string) {
  return (
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.type, type)))
      .orderBy(desc(auditEvents.id))
      .limit(1)
  )[0];
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

test("register a passkey on the profile, then sign in with the password and the passkey", async ({
  page,
  db,
  createUser,
}) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await signedIn(db, page.context(), user);

  await test.step("add a passkey on /profile", async () => {
    await page.goto(`${origin()}/profile`);
    const section = page.getByRole("region", { name: "Passkeys and security keys" });
    await expect(section.getByText("You have no passkeys yet.")).toBeVisible();
    await expectNoAxeViolations(page);
    await section.getByLabel("Passkey name").fill("Work laptop");
    await section.getByRole("button", { name: "Add a passkey" }).click();
    await expect(section.getByText('Passkey "Work laptop" added.')).toBeVisible();
    await expect(section.getByRole("heading", { name: "Work laptop" })).toBeVisible();
    expect(await latestEvent(db, user.id, "passkey.added")).toBeTruthy();
  });

  let recoveryCodes: string[] = [];
  await test.step("the first passkey comes with recovery codes, shown once", async () => {
    const section = page.getByRole("region", { name: "Passkeys and security keys" });
    const list = section.getByRole("list", { name: "Recovery codes" });
    await expect(list.getByRole("listitem")).toHaveCount(10);
    recoveryCodes = await list.getByRole("listitem").allTextContents();
    expect(await latestEvent(db, user.id, "recovery_codes.issued")).toBeTruthy();
    await list.scrollIntoViewIfNeeded();
    await shot(page, "profile-passkey-recovery-codes");
    await expectNoAxeViolations(page);
    await section.getByRole("button", { name: "I have saved my recovery codes" }).click();
    await expect(list).toBeHidden();
    await expect(page.getByText("10 of 10 recovery codes left.")).toBeVisible();
  });

  await test.step("the passkey is listed", async () => {
    const section = page.getByRole("region", { name: "Passkeys and security keys" });
    await expect(section.getByText("Security key or device-bound passkey")).toBeVisible();
    await expect(section.getByText(/last used Never/)).toBeVisible();
    await expect(section.getByRole("button", { name: "Rename Work laptop" })).toBeVisible();
    await expect(section.getByRole("button", { name: "Remove Work laptop" })).toBeVisible();
    await section.scrollIntoViewIfNeeded();
    await shot(page, "profile-passkey-added");
    await expectNoAxeViolations(page);
  });

  await test.step("rename it", async () => {
    const section = page.getByRole("region", { name: "Passkeys and security keys" });
    await section.getByRole("button", { name: "Rename Work laptop" }).click();
    await section.getByLabel("New name for Work laptop").fill("Laptop");
    await expectNoAxeViolations(page);
    await section.getByRole("button", { name: "Save name" }).click();
    await expect(section.getByRole("heading", { name: "Laptop" })).toBeVisible();
  });

  await test.step("sign out, then sign in with the password and the passkey", async () => {
    await page.context().clearCookies();
    // Nobody touches the authenticator: the email field's autofill request waits, and the password goes first.
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
    await page.goto(`${origin()}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/login\/two-factor$/);
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: true });
    await expect(page.getByRole("button", { name: "Use a passkey or security key" })).toBeVisible();
    await shot(page, "two-factor-passkey");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Use a passkey or security key" }).click();
    await expect(page).toHaveURL(`${origin()}/`);
    const succeeded = await latestEvent(db, user.id, "two_factor.succeeded");
    expect(succeeded?.details).toMatchObject({ method: "passkey" });
    const completed = await latestEvent(db, user.id, "sign_in.completed");
    expect(completed?.details).toMatchObject({ via: "second_factor", method: "passkey" });
    const [row] = await db.select().from(passkeys).where(eq(passkeys.userId, user.id));
    expect(row!.lastUsedAt).not.toBeNull();
  });

  await test.step("sign out, then sign in with the password and one of the recovery codes", async () => {
    await page.context().clearCookies();
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
    await page.goto(`${origin()}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/login\/two-factor$/);
    await page.getByText("Use a recovery code").click();
    await page.getByLabel("Code").fill(recoveryCodes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(`${origin()}/recovery-code-used`);
    expect(await latestEvent(db, user.id, "recovery_code.used")).toBeTruthy();
  });
  serverErrors();
});

test("passwordless sign-in with a discoverable credential and user verification", async ({ page, db, createUser }) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  const addToAuthenticator = await injectPasskey(db, cdp, authenticatorId, user);
  await loginPageThenPasskey(page, addToAuthenticator);
  await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username webauthn");
  await shot(page, "login-with-passkey");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page).toHaveURL(`${origin()}/`);
  const completed = await latestEvent(db, user.id, "sign_in.completed");
  expect(completed?.details).toMatchObject({ via: "passkey", method: "passkey" });
  const [session] = await db.select().from(sessions).where(eq(sessions.userId, user.id));
  expect(session!.stage).toBe("active");
  serverErrors();
});

test("passwordless sign-in without user verification is refused", async ({ page, db, createUser }) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page, { isUserVerified: false });
  await loginPageThenPasskey(page, await injectPasskey(db, cdp, authenticatorId, user));
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  // Chromium itself refuses an authenticator that cannot verify the user when the options require it, so the
  // server's own refusal of such an answer (passkey-sign-in.test.ts) is not reached here: what counts is that
  // nobody is signed in and the page says why.
  await expect(page.getByRole("status").filter({ hasText: /passkey/ })).toBeVisible();
  await expect(page).toHaveURL(`${origin()}/login`);
  await shot(page, "login-passkey-refused");
  await expectNoAxeViolations(page);
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
  serverErrors();
});

test("a passkey whose signature counter goes back is refused and audited as a possible clone", async ({
  page,
  db,
  createUser,
}) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await loginPageThenPasskey(
    page,
    await injectPasskey(db, cdp, authenticatorId, user, { signCount: 5, storedCounter: 100 }),
  );
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(
    page.getByText("That passkey could not sign you in. Use your email and password instead."),
  ).toBeVisible();
  const clone = await latestEvent(db, user.id, "passkey.clone_suspected");
  expect(clone?.details).toMatchObject({ storedCounter: 100 });
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
  const [row] = await db.select().from(passkeys).where(eq(passkeys.userId, user.id));
  expect(row!.counter).toBe(100);
  serverErrors();
});

test("a removed passkey no longer signs in", async ({ page, db, createUser }) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  // Into the device only later: on /profile nothing asks for it.
  const addToAuthenticator = await injectPasskey(db, cdp, authenticatorId, user, { name: "Old phone" });
  await signedIn(db, page.context(), user);
  await page.goto(`${origin()}/profile`);
  const section = page.getByRole("region", { name: "Passkeys and security keys" });
  await section.getByRole("button", { name: "Remove Old phone" }).click();
  await expectNoAxeViolations(page);
  await shot(page, "profile-remove-dialog");
  await page.getByRole("dialog").getByRole("button", { name: "Remove", exact: true }).click();
  // The row goes with its passkey.
  await expect(section.getByText("You have no passkeys yet.")).toBeVisible();
  await expectNoAxeViolations(page);
  expect(await latestEvent(db, user.id, "passkey.removed")).toBeTruthy();

  await page.context().clearCookies();
  // The device still holds the passkey; the server no longer knows it.
  await loginPageThenPasskey(page, addToAuthenticator);
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(
    page.getByText("That passkey could not sign you in. Use your email and password instead."),
  ).toBeVisible();
  expect((await latestEvent(db, user.id, "passkey.removed"))?.details).toMatchObject({ passkey: "Old phone" });
  serverErrors();
});

test("the email field's autofill signs in with a passkey (conditional UI)", async ({ page, db, createUser }) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await (
    await injectPasskey(db, cdp, authenticatorId, user)
  )();
  // The virtual authenticator picks the passkey as a person would pick it among the field's suggestions.
  await page.goto(`${origin()}/login`);
  await expect(page).toHaveURL(`${origin()}/`);
  const completed = await latestEvent(db, user.id, "sign_in.completed");
  expect(completed?.details).toMatchObject({ via: "passkey", method: "passkey" });
  serverErrors();
});

test("confirm access with the password and a passkey", async ({ page, db, createUser }) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser();
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await (
    await injectPasskey(db, cdp, authenticatorId, user, { name: "Desk key" })
  )();
  await signedIn(db, page.context(), user);
  await page.goto(`${origin()}/confirm-access?next=/profile`);
  const withPasskey = page.getByRole("region", { name: "Or confirm with a passkey" });
  await expect(withPasskey).toBeVisible();
  await shot(page, "confirm-access-passkey");
  await expectNoAxeViolations(page);

  await test.step("a wrong password is refused before the passkey counts", async () => {
    await withPasskey.getByLabel("Password").fill("not-the-password");
    await withPasskey.getByRole("button", { name: "Confirm with a passkey" }).click();
    await expect(withPasskey.getByText("Please correct the highlighted field.")).toBeVisible();
    await expectNoAxeViolations(page);
  });

  await withPasskey.getByLabel("Password").fill(user.password);
  await withPasskey.getByRole("button", { name: "Confirm with a passkey" }).click();
  await expect(page).toHaveURL(`${origin()}/profile#access-confirmed`);
  expect(await latestEvent(db, user.id, "access.confirmed")).toBeTruthy();
  serverErrors();
});

test("required setup: someone held to phishing-resistant methods adds a passkey though the organisation's box is unticked, and gets recovery codes", async ({
  page,
  db,
  createUser,
}) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser({ columns: { twoFactorRequirement: "phishing_resistant" } });
  await db.update(organisations).set({ allowPasskey: false }).where(eq(organisations.id, user.organisationId));
  await virtualAuthenticator(page);

  await test.step("sign in with the password: required setup offers a passkey", async () => {
    await page.goto(`${origin()}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin()}/login/setup`);
  });

  await test.step("add a passkey: the recovery codes are shown before the sign-in completes", async () => {
    await page.getByLabel("Passkey name").fill("Blue key");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    const list = page.getByRole("list", { name: "Recovery codes" });
    await expect(list.getByRole("listitem")).toHaveCount(10);
    await expect(page).toHaveURL(`${origin()}/login/setup`);
    await shot(page, "setup-passkey-recovery-codes");
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "I have saved my recovery codes" }).click();
    await expect(page).toHaveURL(`${origin()}/`);
    expect(await latestEvent(db, user.id, "recovery_codes.issued")).toBeTruthy();
  });
  serverErrors();
});

test("someone whose role requires phishing-resistant methods is refused an authenticator code, then signs in with the passkey", async ({
  page,
  db,
  createUser,
}) => {
  const serverErrors = failOnServerErrors(page);
  const user = await createUser({ name: "Hal Holder", totp: true });
  const role = (
    await db
      .insert(roles)
      .values({
        organisationId: user.organisationId,
        name: "Engineers",
        requireTwoFactor: true,
        requirePhishingResistant: true,
      })
      .returning()
  )[0]!;
  await db.insert(userRoles).values({ userId: user.id, roleId: role.id });
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  // Nobody touches the authenticator until the passkey is asked for: the email field's autofill request waits.
  await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
  await (
    await injectPasskey(db, cdp, authenticatorId, user, { name: "Desk key" })
  )();

  await test.step("the password leads to the second step, which asks for the passkey and says why", async () => {
    await page.goto(`${origin()}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin()}/login/two-factor`);
    await expect(page.getByText(messages.phishingResistantRequired).first()).toBeVisible();
    await expect(page.getByRole("button", { name: "Use a passkey or security key" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Use your authenticator app instead" })).toHaveCount(0);
    // The passkey and the recovery-code forms answer in one live region: each message is heard once.
    await expect(page.getByRole("status")).toHaveCount(1);
    await shot(page, "phishing-resistant-two-factor");
    await expectNoAxeViolations(page);
  });

  await test.step("a right authenticator code, typed where codes go, is refused and audited", async () => {
    await page.getByText("Use a recovery code").click();
    await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByText(messages.phishingResistantMethodRefused)).toBeVisible();
    await expect(page.getByRole("status")).toHaveCount(1);
    await expect(page.getByRole("status")).toHaveText("Please correct the highlighted field.");
    await expect(page).toHaveURL(`${origin()}/login/two-factor`);
    expect((await latestEvent(db, user.id, "two_factor_method.refused"))?.details).toMatchObject({
      method: "totp",
      reason: "phishing_resistant_required",
    });
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([
      expect.objectContaining({ stage: "password" }),
    ]);
    await shot(page, "phishing-resistant-code-refused");
    await expectNoAxeViolations(page);
  });

  await test.step("the passkey completes the second step and the profile opens", async () => {
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: true });
    await page.getByRole("button", { name: "Use a passkey or security key" }).click();
    await expect(page).toHaveURL(`${origin()}/`);
    expect((await latestEvent(db, user.id, "two_factor.succeeded"))?.details).toMatchObject({ method: "passkey" });
    await page.goto(`${origin()}/profile`);
    await expect(page).toHaveURL(`${origin()}/profile`);
    await expect(page.getByRole("region", { name: "Passkeys and security keys" })).toContainText("Desk key");
    await expectNoAxeViolations(page);
  });
  serverErrors();
});

test("an administrator removes a user's passkey: the device still holds it, and it no longer signs in", async ({
  page,
  browser,
  db,
  createUser,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"], name: "Ada Admin" });
  const user = await createUser({ organisationId: admin.organisationId, name: "Mia Member", totp: true });
  const { cdp, authenticatorId } = await virtualAuthenticator(page);
  await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
  const addToAuthenticator = await injectPasskey(db, cdp, authenticatorId, user, { name: "Lost phone" });
  await addToAuthenticator();

  await test.step("the administrator removes “Lost phone” on the user's page, asked first", async () => {
    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    const adminErrors = failOnServerErrors(adminPage);
    await signedIn(db, adminContext, admin);
    await adminPage.goto(`${origin()}/admin/users/${user.id}`);
    const section = adminPage.getByRole("region", { name: "Passkeys and security keys" });
    await section.getByRole("button", { name: "Remove passkey Lost phone" }).click();
    await expect(adminPage.getByRole("dialog")).toContainText("Remove the passkey “Lost phone” of Mia Member?");
    await adminPage.getByRole("dialog").getByRole("button", { name: "Remove", exact: true }).click();
    await expect(section.getByRole("status").filter({ hasText: "The passkey was removed" })).toBeVisible();
    await expect(section).toContainText("The user has not added a passkey or security key.");
    await expectNoAxeViolations(adminPage);
    expect(await db.select().from(passkeys).where(eq(passkeys.userId, user.id))).toEqual([]);
    expect((await latestEvent(db, user.id, "passkey.removed"))?.actorUserId).toBe(admin.id);
    adminErrors();
    await adminContext.close();
  });

  const serverErrors = failOnServerErrors(page);
  await test.step("the user signs in with the password: the second step no longer offers the passkey", async () => {
    await page.goto(`${origin()}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin()}/login/two-factor`);
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: true });
    // Even asked for by name, the passkey step is not there: the authenticator app is what is left.
    await page.goto(`${origin()}/login/two-factor?method=passkey`);
    await expect(page.getByText("Open your authenticator app and enter the code it shows")).toBeVisible();
    await expect(page.getByRole("button", { name: "Use a passkey or security key" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Use a passkey or security key instead" })).toHaveCount(0);
    await shot(page, "removed-passkey-two-factor");
    await expectNoAxeViolations(page);
    expect((await db.select().from(sessions).where(eq(sessions.userId, user.id)))[0]!.stage).toBe("password");
  });

  await test.step("passwordless sign-in with the removed passkey fails", async () => {
    await page.context().clearCookies();
    // The same credential, taken out and put back once the email field's autofill request waits: the button's
    // request is then the one the authenticator answers (loginPageThenPasskey).
    await cdp.send("WebAuthn.clearCredentials", { authenticatorId });
    await loginPageThenPasskey(page, addToAuthenticator);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await expect(
      page.getByText("That passkey could not sign you in. Use your email and password instead."),
    ).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in with a passkey" })).toBeEnabled();
    await expect(page).toHaveURL(`${origin()}/login`);
    await shot(page, "removed-passkey-passwordless");
    await expectNoAxeViolations(page);
    const active = await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.stage, "active")));
    expect(active).toEqual([]);
  });
  serverErrors();
});
