import fs from "node:fs";
import https from "node:https";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, duoAuthStates, organisations, sessions, signInFailures, users } from "@/db/schema";
import { DUO_API_HOST_REFUSED } from "@/lib/two-factor/duo/api-host";
import { connectionTestKey } from "@/lib/two-factor/duo/connection-test-limit";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { encryptSecret } from "@/lib/keys/secrets";
import { duoStandInSecret, newDuoIntegrationKey, type DuoBehaviour } from "@/test/stand-ins/duo";
import {
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  freshTotpCode,
  outboxEmails,
  keyRing,
  signInWithForm,
  test,
  type TestUser,
} from "./fixtures";

/*
 * Duo's Universal Prompt, end to end: the real Duo client in the server talks
 * HTTPS to the local stand-in (trusted through NODE_EXTRA_CA_CERTS), and the
 * browser follows every redirect: Twofold → Duo's prompt → Twofold.
 */

// The stand-in's certificate is self-signed: the browser is told to accept it (the server trusts it properly).
test.use({ ignoreHTTPSErrors: true });

const duoUrl = () => process.env.E2E_DUO_URL!;
const duoHost = () => new URL(duoUrl()).host;
const promptUrl = () => new RegExp(`^${duoUrl().replace(/[.]/g, "\\.")}/oauth/v1/authorize`);

/** The page's message about Duo (Next's route announcer is an alert too). */
const duoNotice = (page: Page) => page.getByRole("alert").filter({ hasText: "Duo" });

/** Gives the organisation its own Duo integration at the stand-in, and allows Duo. */
async function configureDuo(
  db: Db,
  organisationId: number,
  columns: Partial<typeof organisations.$inferInsert> = {},
): Promise<string> {
  const clientId = newDuoIntegrationKey();
  await db
    .update(organisations)
    .set({
      allowDuo: true,
      duoIntegrationKey: clientId,
      duoSecretKeyEncrypted: encryptSecret(duoStandInSecret(clientId), duoSecretKeyBinding(organisationId), keyRing()),
      duoApiHostname: duoHost(),
      ...columns,
    })
    .where(eq(organisations.id, organisationId));
  return clientId;
}

async function turnDuoOn(db: Db, user: TestUser) {
  await db
    .update(users)
    .set({ duoEnabledAt: new Date(), preferredTwoFactorMethod: "duo" })
    .where(eq(users.id, user.id));
}

/** What the stand-in's Duo says it checked when the user approves (auth_context's reason and factor), for one integration only. */
async function setDuoAnswer(clientId: string, reason: string, factor: string) {
  const ca = fs.readFileSync(path.join(process.env.E2E_DUO_CERT_DIR!, "cert.pem"));
  await new Promise<void>((resolve, reject) => {
    const request = https.request(`${duoUrl()}/_stand-in/answer`, { method: "POST", ca }, (response) =>
      response.resume().on("end", resolve),
    );
    request.on("error", reject);
    request.end(JSON.stringify({ clientId, reason, factor }));
  });
}

/** Makes the stand-in's API refuse (503) or never answer, for one integration only. */
async function setDuoBehaviour(clientId: string, behaviour: DuoBehaviour) {
  const ca = fs.readFileSync(path.join(process.env.E2E_DUO_CERT_DIR!, "cert.pem"));
  await new Promise<void>((resolve, reject) => {
    const request = https.request(`${duoUrl()}/_stand-in/behaviour`, { method: "POST", ca }, (response) =>
      response.resume().on("end", resolve),
    );
    request.on("error", reject);
    request.end(JSON.stringify({ clientId, behaviour }));
  });
}

const stagesOf = async (db: Db, user: TestUser) =>
  (await db.select({ stage: sessions.stage }).from(sessions).where(eq(sessions.userId, user.id))).map(
    (row) => row.stage,
  );
const auditTypes = async (db: Db, user: TestUser) =>
  await db
    .select({ type: auditEvents.type, details: auditEvents.details })
    .from(auditEvents)
    .where(eq(auditEvents.targetUserId, user.id));

/** Approves (or denies) at the stand-in's prompt, and returns the callback URL Duo sent the browser to, without opening it. */
async function answerWithoutReturning(page: Page, decision: "Approve" | "Deny"): Promise<string> {
  let callback = "";
  await page.route(`${duoUrl()}/_stand-in/decide`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    callback = response.headers().location ?? "";
    await route.fulfill({ status: 200, contentType: "text/plain", body: "Held back by the test." });
  });
  await page.getByRole("button", { name: decision }).click();
  await expect.poll(() => callback).not.toBe("");
  await page.unroute(`${duoUrl()}/_stand-in/decide`);
  return callback;
}

async function newBrowserPage(browser: Browser, clientIp: string) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { "x-forwarded-for": clientIp },
  });
  return context.newPage();
}

test("an admin tests the Duo connection with typed keys (nothing saved), then with the saved secret; wrong keys and Duo down are told apart", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  const checkServer = failOnServerErrors(page);
  const clientId = newDuoIntegrationKey();
  await page.goto("/admin/settings");
  await page.getByLabel("Integration key").fill(clientId);
  await page.getByLabel("Secret key").fill("x".repeat(40));
  await page.getByLabel("API hostname").fill(duoHost());
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Duo refused these keys. Check the integration key and the secret key.")).toBeVisible();

  await page.getByLabel("Secret key").fill(duoStandInSecret(clientId));
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connected: Duo accepted these keys.")).toBeVisible();
  // The typed keys stay in the form, and nothing was saved.
  await expect(page.getByLabel("Integration key")).toHaveValue(clientId);
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.duoIntegrationKey,
  ).toBeNull();
  await expectNoAxeViolations(page);

  await page.getByRole("checkbox", { name: "Duo", exact: true }).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  const saved = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  expect(saved.duoIntegrationKey).toBe(clientId);
  expect(saved.duoSecretKeyEncrypted).not.toContain(duoStandInSecret(clientId));

  // The secret field is empty now ("never shown again"): the test uses the saved one.
  await page.reload();
  await expect(page.getByLabel("Secret key")).toHaveValue("");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connected: Duo accepted these keys.")).toBeVisible();

  await setDuoBehaviour(clientId, "down");
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(
    page.getByText("Cannot reach Duo. Check the API hostname, and that this server can reach it."),
  ).toBeVisible();

  const tested = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, admin.id), eq(auditEvents.type, "duo_connection.tested")));
  expect(tested.map((event) => (event.details as { result: string }).result)).toEqual([
    "wrong_keys",
    "connected",
    "connected",
    "unreachable",
  ]);
  checkServer();
});

test("the API hostname takes only Duo's own hosts or the operator's allow-list: a look-alike is refused before anything is called or saved", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  const checkServer = failOnServerErrors(page);
  const clientId = newDuoIntegrationKey();
  await page.goto("/admin/settings");
  await page.getByLabel("Integration key").fill(clientId);
  await page.getByLabel("Secret key").fill(duoStandInSecret(clientId));
  // The stand-in's own address behind a Duo-looking name: refused by "Test connection"…
  await page.getByLabel("API hostname").fill(`api-1234abcd.duosecurity.com.${duoHost()}`);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: DUO_API_HOST_REFUSED })).toBeVisible();
  await expectNoAxeViolations(page);
  // …and by "Save", on the field itself.
  await page.getByLabel("API hostname").fill("localhost");
  await page.getByRole("checkbox", { name: "Duo", exact: true }).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByLabel("API hostname")).toHaveAccessibleDescription(
    new RegExp(DUO_API_HOST_REFUSED.slice(0, 40)),
  );
  await expectNoAxeViolations(page);
  const saved = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  expect(saved).toMatchObject({ duoApiHostname: null, allowDuo: false });
  // Refused at the form: no connection test was made, so none is recorded or counted.
  expect(
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorUserId, admin.id), eq(auditEvents.type, "duo_connection.tested"))),
  ).toEqual([]);
  checkServer();
});

test("Test connection is limited per organisation: the press over the limit is refused with when to try again", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  const clientId = await configureDuo(db, admin.organisationId);
  // Nine presses already made in the last minutes (each is a call out); the tenth is allowed, the eleventh is not.
  const { scope, key } = connectionTestKey(admin.organisationId);
  for (let press = 0; press < 9; press++) await db.insert(signInFailures).values({ scope, key, createdAt: new Date() });
  await page.goto("/admin/settings");
  await expect(page.getByLabel("Integration key")).toHaveValue(clientId);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connected: Duo accepted these keys.")).toBeVisible();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Too many connection tests. Try again in 10 minutes." }),
  ).toBeVisible();
  await expectNoAxeViolations(page);
  const tested = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, admin.id), eq(auditEvents.type, "duo_connection.tested")));
  expect(tested.map((event) => (event.details as { result: string }).result)).toEqual(["connected", "rate_limited"]);
});

test("a hostname saved before the rule, and not allowed now, is refused at sign-in with a clear message and never called", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  await configureDuo(db, user.organisationId, { duoApiHostname: "api-1234abcd.duosecurity.com.evil.test" });
  await turnDuoOn(db, user);
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=host_not_allowed");
  await expect(duoNotice(page)).toHaveText(
    "Duo is set up with an API hostname this server does not allow. Ask your administrator to check Duo's settings.",
  );
  await expectNoAxeViolations(page);
  // Not the user's failed attempt: nothing counted against their second factor.
  expect((await auditTypes(db, user)).filter((event) => event.type === "two_factor.failed")).toEqual([]);
  expect((await auditTypes(db, user)).find((event) => event.type === "duo_connection.failed")?.details).toMatchObject({
    reason: "host_not_allowed",
  });
  // The other method still works.
  await page.getByRole("link", { name: "Use your authenticator app instead" }).click();
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
});

test("sign-in with Duo: straight to the prompt after the password, approved lands on the dashboard; the callback replayed is refused", async ({
  page,
  db,
  browser,
  clientIp,
  createUser,
}) => {
  const user = await createUser();
  await configureDuo(db, user.organisationId);
  await turnDuoOn(db, user);
  const checkServer = failOnServerErrors(page);

  await signInWithForm(page, user);
  await expect(page).toHaveURL(promptUrl());
  await expect(page.getByText(`Approve the sign-in of ${user.email}?`)).toBeVisible();
  const callback = page.waitForRequest((request) => request.url().includes("/login/duo/callback"));
  await page.getByRole("button", { name: "Approve" }).click();
  const callbackUrl = (await callback).url();
  await expect(page).toHaveURL("/");
  await expect(page.getByText("On: after your password, you approve the sign-in in Duo.")).toBeVisible();
  expect(await stagesOf(db, user)).toEqual(["active"]);
  expect(
    (await auditTypes(db, user)).filter((event) => event.type === "two_factor.succeeded").map((event) => event.details),
  ).toEqual([{ method: "duo", duoFactor: "duo_push", duoReason: "user_approved" }]);
  // The state Duo returned is spent (the client router may have started a second round trip, left unused).
  expect(
    (await db.select().from(duoAuthStates).where(eq(duoAuthStates.userId, user.id))).filter(
      (state) => state.usedAt !== null,
    ),
  ).toHaveLength(1);

  // Opened again in the same browser: the state is used up, and belonged to the session the sign-in replaced.
  await page.goto(callbackUrl);
  await expect(page).toHaveURL(/\/profile\?duo=bad_state/);
  await expect(duoNotice(page).filter({ hasText: "That Duo request could not be used" })).toBeVisible();

  // Someone else who knows the password opens the same callback from their own half-signed-in session: refused.
  const attacker = await newBrowserPage(browser, clientIp);
  await signInWithForm(attacker, user);
  await expect(attacker).toHaveURL(promptUrl());
  await attacker.goto(callbackUrl);
  await expect(attacker).toHaveURL("/login/two-factor?method=duo&duo=bad_state");
  await expect(duoNotice(attacker)).toHaveText(/That Duo request could not be used/);
  // Still half signed in: the dashboard sends them back to the second step, which is Duo's prompt again.
  await attacker.goto("/");
  await expect(attacker).toHaveURL(promptUrl());
  expect((await stagesOf(db, user)).sort()).toEqual(["active", "password"]);
  await attacker.context().close();
  checkServer();
});

test("sign-in with Duo denied: refused with a clear message, still half signed in, counted as a failed second factor", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser();
  await configureDuo(db, user.organisationId);
  await turnDuoOn(db, user);
  await signInWithForm(page, user);
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=denied");
  await expect(duoNotice(page)).toHaveText(
    "Duo did not approve this request. Try again, or use another way to sign in.",
  );
  await expect(page.getByRole("button", { name: "Continue with Duo" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expectNoAxeViolations(page);

  expect(
    (await db.select().from(sessions).where(eq(sessions.userId, user.id))).map((row) => [
      row.stage,
      row.secondFactorFailures,
    ]),
  ).toEqual([["password", 1]]);
  expect((await auditTypes(db, user)).find((event) => event.type === "two_factor.failed")?.details).toMatchObject({
    method: "duo",
    reason: "denied",
  });
  // Still half signed in: the dashboard sends the browser back to the second step, which opens Duo again.
  await page.goto("/");
  await expect(page).toHaveURL(promptUrl());
  expect(await stagesOf(db, user)).toEqual(["password"]);

  // "Continue with Duo" tries again, carrying "Remember this browser" through Duo; approved this time.
  await page.goto("/login/two-factor?method=duo");
  await page.getByLabel("Remember this browser for 90 days").check();
  await page.getByRole("button", { name: "Continue with Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL("/");
  expect((await auditTypes(db, user)).map((event) => event.type)).toContain("trusted_browser.remembered");
});

test("another user's Duo result is refused, and a state once tried cannot be used again", async ({
  page,
  db,
  browser,
  clientIp,
  createUser,
}) => {
  const ada = await createUser();
  const bob = await createUser({ organisationId: ada.organisationId });
  await configureDuo(db, ada.organisationId);
  await turnDuoOn(db, ada);
  await turnDuoOn(db, bob);

  // Bob approves his own sign-in; his code never reaches Twofold.
  const bobsPage = await newBrowserPage(browser, clientIp);
  await signInWithForm(bobsPage, bob);
  await expect(bobsPage).toHaveURL(promptUrl());
  const bobsCallback = new URL(await answerWithoutReturning(bobsPage, "Approve"));
  await bobsPage.context().close();

  // Ada's browser pairs her own state with Bob's code.
  await signInWithForm(page, ada);
  await expect(page).toHaveURL(promptUrl());
  const adasCallback = new URL(await answerWithoutReturning(page, "Approve"));
  const swapped = new URL(adasCallback);
  swapped.searchParams.set("duo_code", bobsCallback.searchParams.get("duo_code")!);
  await page.goto(swapped.toString());
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=wrong_user");
  await expect(duoNotice(page)).toHaveText("Duo's answer was for another account, so it was refused.");
  expect(await stagesOf(db, ada)).toEqual(["password"]);

  // Her real answer now comes too late: the state was spent on the refused attempt.
  await page.goto(adasCallback.toString());
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=bad_state");
  // A state made up by the visitor is refused the same way.
  await page.goto(`/login/duo/callback?state=${"a".repeat(36)}&duo_code=${bobsCallback.searchParams.get("duo_code")}`);
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=bad_state");
  // Only the answer that used a state of hers counts as a failed second factor: states are
  // unguessable, and counting the others would let any page that sends her browser here lock her out.
  expect(
    (await db.select().from(sessions).where(eq(sessions.userId, ada.id))).map((row) => [
      row.stage,
      row.secondFactorFailures,
    ]),
  ).toEqual([["password", 1]]);
  expect(
    (await auditTypes(db, ada))
      .filter((event) => event.type === "two_factor.failed")
      .map((event) => (event.details as { reason: string }).reason),
  ).toEqual(["wrong_user"]);
  expect(
    (await auditTypes(db, ada))
      .filter((event) => event.type === "duo.refused")
      .map((event) => (event.details as { reason: string }).reason),
  ).toEqual(["bad_state", "bad_state"]);
});

test("Duo down: sign-in fails closed with a clear message, offers the other method, which works", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  const clientId = await configureDuo(db, user.organisationId);
  await turnDuoOn(db, user);
  await setDuoBehaviour(clientId, "down");

  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=unreachable");
  await expect(duoNotice(page)).toHaveText("Duo cannot be reached right now. Try again in a few minutes.");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Continue with Duo" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Duo cannot be reached right now." })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\/two-factor/);
  expect(await stagesOf(db, user)).toEqual(["password"]);
  expect((await auditTypes(db, user)).map((event) => event.type)).toContain("duo_connection.failed");

  await page.goto("/login/two-factor?method=duo&duo=unreachable");
  await page.getByRole("link", { name: "Use your authenticator app instead" }).click();
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
});

test("Duo never answering: the start gives up within its time limit, and a Duo-only user stays out", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser();
  const clientId = await configureDuo(db, user.organisationId);
  await turnDuoOn(db, user);
  await setDuoBehaviour(clientId, "hang");
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/two-factor?method=duo&duo=unreachable", { timeout: 20_000 });
  await expect(page.getByText("Other ways to sign in")).toHaveCount(0);
  await expect(page.getByLabel("Code")).toHaveCount(0);
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\/two-factor/);
  expect(await stagesOf(db, user)).toEqual(["password"]);
});

test("turning Duo on from the profile makes it the preferred method; turning it off needs the password and Duo", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  await configureDuo(db, user.organisationId);
  await signInAs(context, user);
  await page.goto("/profile");
  // The password first: a stolen session alone must not bind someone else's phone.
  await page.getByRole("button", { name: "Set up Duo" }).click();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill("not my password");
  await page.getByRole("button", { name: "Set up Duo" }).click();
  await expect(page.getByText("That is not your current password.").first()).toBeVisible();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Set up Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/profile\?duo=enabled/);
  await expect(page.getByText("Duo is on. Sign-in will start with Duo.")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Two-factor authentication is on: duo." })).toBeVisible();
  // Duo is the only method: its row says it is configured, with no choice of preferred method to make.
  const duoRow = page
    .getByRole("region", { name: "Two-factor authentication" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name: "Duo", exact: true }) });
  await expect(duoRow.getByText("Configured", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: /preferred method/i })).toHaveCount(0);
  await expectNoAxeViolations(page);
  const row = (await db.select().from(users).where(eq(users.id, user.id)))[0]!;
  expect(row.duoEnabledAt).not.toBeNull();
  expect(row.preferredTwoFactorMethod).toBe("duo");
  expect((await outboxEmails(db, user.email)).map((email) => email.subject)).toContainEqual(
    expect.stringContaining("Duo is on"),
  );

  await page.getByRole("button", { name: "Turn off Duo" }).click();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill("not my password");
  await page.getByRole("button", { name: "Turn off Duo" }).click();
  await expect(page.getByText("That is not your current password.").first()).toBeVisible();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Turn off Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page).toHaveURL(/\/profile\?duo=denied/);
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.duoEnabledAt).not.toBeNull();

  await page.getByRole("button", { name: "Turn off Duo" }).click();
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Turn off Duo" }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/profile\?duo=disabled/);
  await expect(page.getByText("Duo is off.", { exact: true })).toBeVisible();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.duoEnabledAt).toBeNull();
});

test("a required user without a factor may choose Duo at setup; the Duo round trip finishes the sign-in", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ columns: { twoFactorRequirement: "required" } });
  await configureDuo(db, user.organisationId, { allowCode: false });
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/setup");
  await expect(page.getByRole("heading", { name: "Or use Duo" })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Set up Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page).toHaveURL("/login/setup?duo=denied");
  await expect(duoNotice(page)).toHaveText(/Duo did not approve this request/);
  expect(await stagesOf(db, user)).toEqual(["setup"]);

  await page.getByRole("button", { name: "Set up Duo" }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL("/");
  expect(await stagesOf(db, user)).toEqual(["active"]);
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.duoEnabledAt).not.toBeNull();
});

test.describe("Duo's allow without a second factor", () => {
  test("turning Duo on is refused when Duo lets the user through without a factor (bypass), and audited", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }) => {
    const user = await createUser();
    const clientId = await configureDuo(db, user.organisationId);
    await setDuoAnswer(clientId, "bypass_user", "duo_push");
    await signInAs(context, user);
    await page.goto("/profile");
    await page.getByRole("button", { name: "Set up Duo" }).click();
    await page.getByRole("textbox", { name: "Password", exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Set up Duo" }).click();
    await expect(page).toHaveURL(promptUrl());
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL(/\/profile\?duo=no_factor/);
    await expect(duoNotice(page)).toHaveText(/Duo let this through without asking for your phone or key/);
    await expectNoAxeViolations(page);
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.duoEnabledAt).toBeNull();
    expect(
      (await auditTypes(db, user)).filter((event) => event.type === "duo_bypass.refused").map((event) => event.details),
    ).toEqual([{ purpose: "enrol", duoReason: "bypass_user", duoFactor: "duo_push" }]);
  });

  test("at sign-in, an unenrolled user's allow is refused by default; not counted as a failed factor", async ({
    page,
    db,
    createUser,
  }) => {
    const user = await createUser();
    const clientId = await configureDuo(db, user.organisationId);
    await turnDuoOn(db, user);
    await setDuoAnswer(clientId, "allow_unenrolled_user", "not_available");
    await signInWithForm(page, user);
    await expect(page).toHaveURL(promptUrl());
    await page.getByRole("button", { name: "Approve" }).click();
    await expect(page).toHaveURL("/login/two-factor?method=duo&duo=no_factor");
    await expect(duoNotice(page)).toHaveText(/Duo let this through without asking for your phone or key/);
    await expectNoAxeViolations(page);
    expect(
      (await db.select().from(sessions).where(eq(sessions.userId, user.id))).map((row) => [
        row.stage,
        row.secondFactorFailures,
      ]),
    ).toEqual([["password", 0]]);
    expect(
      (await auditTypes(db, user)).filter((event) => event.type === "duo_bypass.refused").map((event) => event.details),
    ).toEqual([{ purpose: "sign_in", duoReason: "allow_unenrolled_user", duoFactor: "not_available" }]);
    expect((await auditTypes(db, user)).map((event) => event.type)).not.toContain("two_factor.succeeded");
  });

  test("with 'Allow it and flag it', a bypassed user gets in and the audit log shows the flag; a real factor is recorded as such", async ({
    page,
    context,
    db,
    browser,
    clientIp,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ["settings:manage", "audit:read"] });
    const user = await createUser({ organisationId: admin.organisationId, name: "Bypassed Person" });
    const clientId = await configureDuo(db, admin.organisationId);
    await turnDuoOn(db, user);

    // The administrator chooses to let Duo's bypasses in, flagged.
    await signInAs(context, admin);
    await page.goto("/admin/settings");
    const choice = page.getByRole("group", { name: "When Duo lets someone in without a second factor" });
    await expect(choice.getByRole("radio", { name: "Refuse the sign-in" })).toBeChecked();
    await choice.getByRole("radio", { name: "Allow it and flag it in the audit log" }).check();
    await expectNoAxeViolations(page);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByText("Settings saved")).toBeVisible();
    expect(
      (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.duoBypassAtSignIn,
    ).toBe("flag");

    await setDuoAnswer(clientId, "bypass_user", "duo_push");
    const userPage = await newBrowserPage(browser, clientIp);
    await signInWithForm(userPage, user);
    await expect(userPage).toHaveURL(promptUrl());
    await userPage.getByRole("button", { name: "Approve" }).click();
    await expect(userPage).toHaveURL("/");
    expect(
      (await auditTypes(db, user))
        .filter((event) => event.type === "two_factor.succeeded")
        .map((event) => event.details),
    ).toEqual([{ method: "duo", duoFactor: "duo_push", duoReason: "bypass_user", withoutSecondFactor: true }]);
    // Let in, but never counted as a recent re-authentication: sensitive changes ask to confirm access first.
    expect(
      (await db.select({ at: sessions.authenticatedAt }).from(sessions).where(eq(sessions.userId, user.id)))[0]!.at,
    ).toEqual(new Date(0));
    await userPage.context().close();

    await page.goto("/admin/audit");
    await expect(
      page.getByRole("row").filter({ hasText: user.email }).filter({ hasText: "Without second factor: yes" }),
    ).toHaveCount(1);

    // A real factor: approved by push, recorded with its factor and no flag.
    await setDuoAnswer(clientId, "user_approved", "phone_call");
    const again = await newBrowserPage(browser, clientIp);
    await signInWithForm(again, user);
    await again.getByRole("button", { name: "Approve" }).click();
    await expect(again).toHaveURL("/");
    expect(
      (await auditTypes(db, user))
        .filter((event) => event.type === "two_factor.succeeded")
        .map((event) => event.details),
    ).toContainEqual({
      method: "duo",
      duoFactor: "phone_call",
      duoReason: "user_approved",
    });
    await again.context().close();
  });
});

test("a Duo user confirms access with the password and an approval in Duo, then returns to finish the change; a bypass does not confirm", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  const clientId = await configureDuo(db, user.organisationId);
  await turnDuoOn(db, user);
  await signInAs(context, user);
  const longAgo = new Date(Date.now() - 60 * 60_000);
  await db.update(sessions).set({ authenticatedAt: longAgo, createdAt: longAgo }).where(eq(sessions.userId, user.id));
  const authenticatedAt = async () =>
    (await db.select({ at: sessions.authenticatedAt }).from(sessions).where(eq(sessions.userId, user.id)))[0]!.at!;

  await page.goto(`/confirm-access?next=${encodeURIComponent("/profile")}`);
  await expect(page.getByRole("heading", { name: "Confirm access" })).toBeVisible();
  await expectNoAxeViolations(page);

  // Duo lets a bypassed user through without a factor: that confirms nothing.
  await setDuoAnswer(clientId, "bypass_user", "");
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Continue with Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/confirm-access\?duo=no_factor&next=%2Fprofile$/);
  expect(await authenticatedAt()).toEqual(longAgo);

  await setDuoAnswer(clientId, "user_approved", "duo_push");
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Continue with Duo" }).click();
  await expect(page).toHaveURL(promptUrl());
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page).toHaveURL(/\/profile#access-confirmed$/);
  expect((await authenticatedAt()).getTime()).toBeGreaterThan(Date.now() - 60_000);
});
