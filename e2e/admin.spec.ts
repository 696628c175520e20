import { request as playwrightRequest, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import {
  auditEvents,
  organisations,
  outbox,
  roles,
  sessions,
  totpCredentials,
  userRoles,
  users,
  type Permission,
} from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import {
  confirmInDialog,
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  signInWithForm,
  signOut,
  test,
} from "./fixtures";
import { allPages, allServerActions } from "./manifests";

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];

/** Sets up an authenticator app wherever the enrolment is shown (/profile or /login/setup). */
async function enrolAuthenticator(page: Page) {
  await page.getByRole("button", { name: "Enable two-factor authentication" }).click();
  const secret = (await page.getByLabel("Secret key").textContent())!.replaceAll(" ", "");
  await page.getByLabel("Code").fill(totpCodeAt(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  return secret;
}

test("an admin requires 2FA through a role; a member of a group holding it must set up before anything else", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL });
  const member = await createUser({ organisationId: admin.organisationId, name: "Mia Member" });
  const alreadySignedIn = await createUser({ organisationId: admin.organisationId, name: "Sam Signedin" });
  // With codes allowed, required users would get codes without setup (see codes.spec.ts).
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, admin.organisationId));
  await signInAs(context, admin);

  await page.goto("/admin/roles");
  await page.getByLabel("Role name").fill("On call");
  await page.getByRole("button", { name: "Create role" }).click();
  // A new role opens on its own page, where what it allows is chosen.
  await expect(page).toHaveURL(/\/admin\/roles\/\d+\?created=1$/, { timeout: 15_000 });
  await expect(page.getByText("Role “On call” created.")).toBeVisible();
  const role = page.getByRole("region", { name: "Permissions and two-factor" });
  await role.getByLabel("Require two-factor authentication").check();
  await role.getByRole("button", { name: "Save" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  await expect(role.getByText("Role “On call” saved.")).toBeVisible();

  await page.goto("/admin/groups");
  await page.getByLabel("Group name").fill("Night shift");
  await page.getByRole("button", { name: "Create group" }).click();
  const group = page.getByRole("region", { name: "Night shift" });
  await group.getByLabel("On call").check();
  await group.getByRole("button", { name: "Save" }).click();
  await expect(group.getByText("Group “Night shift” saved.")).toBeVisible();

  // Someone already signed in when the group gets the role: their next request goes to setup.
  const otherContext = await browser.newContext();
  await signInAs(otherContext, alreadySignedIn);
  const otherPage = await otherContext.newPage();
  await otherPage.goto("/profile");
  await expect(otherPage).toHaveURL("/profile");

  for (const person of [member, alreadySignedIn]) {
    await group.getByLabel("Member email").fill(person.email);
    await group.getByRole("button", { name: "Add member" }).click();
    await expect(group.getByText(`${person.name} added to Night shift.`)).toBeVisible();
  }
  await otherPage.reload();
  await expect(otherPage).toHaveURL("/login/setup");
  await otherContext.close();

  const memberContext = await browser.newContext();
  const memberPage = await memberContext.newPage();
  await signInWithForm(memberPage, member);
  await expect(memberPage).toHaveURL("/login/setup");
  for (const path of ["/", "/profile"]) {
    await memberPage.goto(path);
    await expect(memberPage).toHaveURL("/login/setup");
  }
  await expect(memberPage.getByRole("button", { name: "Skip for now" })).toHaveCount(0);
  await enrolAuthenticator(memberPage);
  await memberPage.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(memberPage).toHaveURL("/");
  await expect(
    memberPage.getByText("On: after your password, you enter a code from your authenticator app."),
  ).toBeVisible();
  expect((await db.select().from(sessions).where(eq(sessions.userId, member.id))).map((row) => row.stage)).toEqual([
    "active",
  ]);
  await memberContext.close();
  noServerErrors();
});

test("within the grace period a newly required user may skip setup, and is told until when", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser();
  await db
    .update(organisations)
    .set({ twoFactorPolicy: "required", twoFactorGraceDays: 7, allowCode: false })
    .where(eq(organisations.id, user.organisationId));
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/login/setup");
  await expect(page.getByText(/You can skip this until/)).toBeVisible();
  await page.getByRole("button", { name: "Skip for now" }).click();
  await expect(page).toHaveURL("/");
  const since = (await db.select({ since: users.twoFactorRequiredSince }).from(users).where(eq(users.id, user.id)))[0]!
    .since;
  expect(since).not.toBeNull();

  // Once the grace period is over, the open session is sent to setup on its next request.
  await db
    .update(users)
    .set({ twoFactorRequiredSince: new Date(Date.now() - 8 * 86_400_000) })
    .where(eq(users.id, user.id));
  await page.reload();
  await expect(page).toHaveURL("/login/setup");
  await expect(page.getByRole("button", { name: "Skip for now" })).toHaveCount(0);
});

test("unticking “Two-factor authentication enabled” (lost phone) lets an optional user in without a code, and puts a required one on emailed codes", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const optionalUser = await createUser({ organisationId: admin.organisationId, totp: true });
  const requiredUser = await createUser({ organisationId: admin.organisationId, totp: true });
  await db.update(users).set({ twoFactorRequirement: "required" }).where(eq(users.id, requiredUser.id));
  await signInAs(context, admin);

  for (const person of [optionalUser, requiredUser]) {
    await page.goto(`/admin/users/${person.id}`);
    const enabled = page.getByLabel("Two-factor authentication enabled");
    await expect(enabled).toBeChecked();
    await enabled.uncheck();
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    await expect(page.getByLabel("Two-factor authentication enabled")).toBeDisabled();
    expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, person.id))).toHaveLength(0);
    expect(
      (await db.select().from(outbox).where(eq(outbox.to, person.email))).map((mail) => mail.subject),
    ).toContainEqual(expect.stringContaining("two-factor authentication was turned off"));
  }

  await context.clearCookies();
  await signInWithForm(page, optionalUser);
  await expect(page).toHaveURL("/");
  await signOut(page);
  await signInWithForm(page, requiredUser);
  await expect(page).toHaveURL("/login/two-factor");
  await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
});

test("“Reset two-factor authentication” and “Sign out everywhere” end the user's sessions on their next request", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const user = await createUser({ organisationId: admin.organisationId, totp: true });
  await signInAs(context, admin);
  const userContext = await browser.newContext();
  await signInAs(userContext, user);
  const userPage = await userContext.newPage();
  await userPage.goto("/");
  await expect(userPage).toHaveURL("/");

  await page.goto(`/admin/users/${user.id}`);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await confirmInDialog(page, "Sign out");
  await expect(page.getByText("Signed out of 1 session.")).toBeVisible();
  await userPage.reload();
  await expect(userPage).toHaveURL("/login?reason=session-ended");

  await signInAs(userContext, user);
  await page.getByRole("button", { name: "Reset two-factor authentication" }).click();
  await page.getByRole("dialog").getByLabel("Reason").fill("Lost phone; checked by video call.");
  await confirmInDialog(page, "Reset");
  await expect(
    page.getByText("Two-factor authentication was reset and the user was signed out everywhere."),
  ).toBeVisible();
  await userPage.goto("/profile");
  await expect(userPage).toHaveURL("/login?reason=session-ended");
  expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id))).toHaveLength(0);
  const types = (
    await db.select({ type: auditEvents.type }).from(auditEvents).where(eq(auditEvents.targetUserId, user.id))
  ).map((row) => row.type);
  expect(types).toEqual(expect.arrayContaining(["user_sessions.revoked", "two_factor.reset"]));
  await userContext.close();
});

test("an admin's own user page is read-only, and the last full administrator cannot be removed", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${admin.id}`);
  // Your own access and 2FA are not changed from the admin pages (they belong on /profile).
  await expect(page.getByText("This is your own account.")).toBeVisible();
  await expect(page.getByRole("link", { name: "your profile" })).toHaveAttribute("href", "/profile");
  await expect(page.getByRole("group", { name: "Roles" }).getByRole("checkbox")).toBeDisabled();
  await expect(page.getByLabel("API account")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Disable account" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Reset two-factor authentication" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  // Deleting the role that makes them the only full administrator is refused, and undone.
  const roleId = (await db.select().from(userRoles).where(eq(userRoles.userId, admin.id)))[0]!.roleId;
  const role = (await db.select().from(roles).where(eq(roles.id, roleId)))[0]!;
  await page.goto(`/admin/roles/${roleId}`);
  await page.getByRole("button", { name: `Delete role ${role.name}` }).click();
  await confirmInDialog(page, "Delete");
  await expect(
    page.getByText("This would leave the organisation without a full administrator who can sign in."),
  ).toBeVisible();
  expect((await db.select().from(userRoles).where(eq(userRoles.userId, admin.id)))[0]!.roleId).toBe(roleId);
});

test("every admin page and action refuses a signed-in user without the permission", async ({
  db,
  baseURL,
  createUser,
}) => {
  const member = await createUser();
  const { token } = await createSession(db, {
    userId: member.id,
    stage: "active",
    context: { ip: null, userAgent: null },
  });
  const adminPages = allPages().filter((page) => page.startsWith("/admin/"));
  expect(adminPages.length).toBeGreaterThanOrEqual(6);
  const pages = await playwrightRequest.newContext({ baseURL });
  for (const page of adminPages) {
    const response = await pages.get(page, {
      headers: { cookie: `${sessionCookie(false).name}=${token}` },
      maxRedirects: 0,
    });
    expect(response.status(), page).toBe(403);
  }
  await pages.dispose();
  const adminActions = allServerActions().filter((action) => action.file.includes("/admin/"));
  expect(adminActions.length).toBeGreaterThanOrEqual(12);
  for (const action of adminActions) {
    const context = await playwrightRequest.newContext({ baseURL });
    const response = await context.post(action.page, {
      headers: {
        "next-action": action.id,
        "content-type": "text/plain;charset=UTF-8",
        accept: "text/x-component",
        cookie: `${sessionCookie(false).name}=${token}`,
      },
      data: "[]",
      maxRedirects: 0,
    });
    expect(response.status(), `${action.file} ${action.name}`).toBe(403);
    await context.dispose();
  }
});

test("an admin of one organisation can neither see nor change a user of another", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const outsider = await createUser({ totp: true });
  const colleague = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);

  const response = await page.goto(`/admin/users/${outsider.id}`);
  expect(response?.status()).toBe(404);
  await page.goto(`/admin/users?q=${encodeURIComponent(outsider.email)}`);
  await expect(page.getByText(`No users match “${outsider.email}”.`)).toBeVisible();

  // Replay a real save of a colleague, re-aimed at the outsider.
  await page.goto(`/admin/users/${colleague.id}`);
  await page.getByRole("radio", { name: "Disabled" }).check();
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const save = await posted;
  await expect(page.getByText("Saved.")).toBeVisible();
  const body = save
    .postDataBuffer()!
    .toString("latin1")
    .replace(`\r\n\r\n${colleague.id}\r\n`, `\r\n\r\n${outsider.id}\r\n`);
  expect(body).toContain(`\r\n\r\n${outsider.id}\r\n`);
  const replay = await page.request.fetch(save.url(), {
    method: "POST",
    headers: save.headers(),
    data: Buffer.from(body, "latin1"),
  });
  expect(replay.status()).toBe(200);
  expect(await replay.text()).toContain("That user does not exist.");
  const untouched = (await db.select().from(users).where(eq(users.id, outsider.id)))[0]!;
  expect(untouched.twoFactorRequirement).toBe("default");
  expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, outsider.id))).toHaveLength(1);
});

test("the user list searches by name or email prefix and pages through results", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL, name: "Zed Admin" });
  for (let i = 0; i < 55; i++)
    await createUser({ organisationId: admin.organisationId, name: `Pat ${String(i).padStart(2, "0")}` });
  await signInAs(context, admin);
  await page.goto("/admin/users");
  await page.getByLabel("Search").fill("pat");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL("/admin/users?q=pat");
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(51);
  await expect(rows.nth(1)).toContainText("Pat 00");
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(rows).toHaveCount(6);
  await expect(rows.nth(5)).toContainText("Pat 54");
  // The search stays; sorting by name again reverses the order and starts at page 1.
  await page.getByRole("link", { name: "Name" }).click();
  await expect(page).toHaveURL("/admin/users?q=pat&direction=desc");
  await expect(rows.nth(1)).toContainText("Pat 54");
  await page.goto("/admin/users?sort=email&direction=sideways&page=-4");
  await expect(rows.nth(1)).toBeVisible();
  expect(await db.select().from(users).where(eq(users.organisationId, admin.organisationId))).toHaveLength(56);
});

test("the audit log lists security events and filters them", async ({ page, context, db, createUser, signInAs }) => {
  const admin = await createUser({ permissions: ALL });
  const user = await createUser({ organisationId: admin.organisationId });
  await signInWithForm(page, { email: user.email, password: "wrong password" });
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  await signInAs(context, admin);
  await page.goto("/admin/audit");
  await page.getByRole("checkbox", { name: "Sign-in", exact: true }).check();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/[?&]area=/);
  await page.getByRole("checkbox", { name: "Wrong password" }).check();
  await page.getByLabel("User", { exact: true }).fill(user.email);
  await page.getByRole("button", { name: "Filter" }).click();
  // The second filter's page, not the first's (whose rows could already match).
  await expect(page).toHaveURL(/[?&]user=/);
  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("sign_in.failed");
  await expect(rows.nth(1)).toContainText(user.email);
  await page.goto("/admin/audit?type=nonsense&from=not-a-date&before=-3");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  expect(
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "sign_in.failed"))),
  ).toHaveLength(1);
});

test("organisation settings: requiring 2FA for everyone sends users without a factor to setup", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL, totp: true });
  const user = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByLabel("Authenticator app (TOTP)").uncheck();
  await page.getByLabel("SMS or email code").uncheck();
  await page.getByLabel("Passkeys and security keys").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(
    page.getByText("Allow at least one method, or set two-factor authentication to Disabled."),
  ).toBeVisible();
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByLabel("Authenticator app (TOTP)").check();
  await page.getByLabel("SMS or email code").uncheck();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // Required, and codes unticked: the confirmation's preview comes first (e2e/enforcement-preview.spec.ts).
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  await expect(page.getByText("Settings saved.", { exact: false })).toBeVisible();
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.twoFactorPolicy,
  ).toBe("required");

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signInWithForm(userPage, user);
  await expect(userPage).toHaveURL("/login/setup");
  await userContext.close();
});

test("a user's admin page lists their factors and sessions, and an admin can end one session", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL });
  const user = await createUser({ organisationId: admin.organisationId, totp: true });
  const userContext = await browser.newContext();
  await signInAs(userContext, user);
  const userPage = await userContext.newPage();
  await userPage.goto("/profile");
  await expect(userPage).toHaveURL("/profile");

  await signInAs(context, admin);
  await page.goto(`/admin/users/${user.id}`);
  const factors = page.getByRole("table", { name: "Second factors the user set up" });
  await expect(factors.getByRole("row", { name: /Authenticator app/ })).toContainText("Never");
  await expect(factors.getByRole("row", { name: /Recovery codes \(10 left\)/ })).toBeVisible();
  const sessionsCard = page.getByRole("region", { name: "Sessions" });
  await expect(sessionsCard.getByRole("listitem")).toHaveCount(1);
  await expect(sessionsCard).toContainText("198.18.0.1");
  await expectNoAxeViolations(page);

  await sessionsCard.getByRole("button", { name: /^End session/ }).click();
  // The ended session leaves the list (and its row's status with it).
  await expect(sessionsCard.getByText("The user is not signed in anywhere.")).toBeVisible();
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  await userPage.reload();
  await expect(userPage).toHaveURL("/login?reason=session-ended");
  const audited = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, user.id), eq(auditEvents.type, "session.revoked")));
  expect(audited.map((event) => event.actorUserId)).toEqual([admin.id]);
  await userContext.close();
});

test("settings apply to everyone: a holder of settings:manage alone cannot change them over a full administrator", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ALL, totp: true });
  const settingsOnly = await createUser({ organisationId: admin.organisationId, permissions: ["settings:manage"] });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  // The save itself, after the confirmation's preview.
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  const save = await posted;
  await expect(page.getByText("Settings saved.", { exact: false })).toBeVisible();

  const otherContext = await browser.newContext();
  await signInAs(otherContext, settingsOnly);
  const otherPage = await otherContext.newPage();
  await otherPage.goto("/admin/settings");
  await expect(
    otherPage.getByText("Settings apply to everyone, including people who hold permissions you do not"),
  ).toBeVisible();
  await expect(otherPage.getByRole("radio", { name: "Disabled" })).toBeDisabled();
  await expect(otherPage.getByRole("button", { name: "Save", exact: true })).toHaveCount(0);
  await expect(otherPage.getByRole("button", { name: "Sign out all users" })).toHaveCount(0);
  await expectNoAxeViolations(otherPage);

  // The administrator's own request, replayed with the settings-only session, with the policy turned to Disabled.
  const headers = { ...save.headers() };
  delete headers.cookie;
  const body = save
    .postDataBuffer()!
    .toString("latin1")
    .replace(/\r\n\r\nrequired\r\n/, "\r\n\r\ndisabled\r\n");
  expect(body).toContain("\r\n\r\ndisabled\r\n");
  const replay = await otherContext.request.fetch(save.url(), {
    method: "POST",
    headers,
    data: Buffer.from(body, "latin1"),
    maxRedirects: 0,
  });
  expect(replay.status()).toBe(403);
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.twoFactorPolicy,
  ).toBe("required");
  // Nor may they test Duo's connection, which signs with the saved secret (the button is not offered).
  const duoTest = allServerActions().find((action) => action.name === "testDuoConnectionAction")!;
  const duoReplay = await otherContext.request.fetch(save.url(), {
    method: "POST",
    headers: { ...headers, "next-action": duoTest.id },
    data: Buffer.from(body, "latin1"),
    maxRedirects: 0,
  });
  expect(duoReplay.status()).toBe(403);
  const refused = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.actorUserId, settingsOnly.id), eq(auditEvents.type, "access.refused")))
    .orderBy(auditEvents.id);
  expect(refused.map((event) => event.details)).toEqual([
    { action: "settings.update", reason: "above_rank" },
    { action: "settings.duo_test", reason: "above_rank" },
  ]);
  await otherContext.close();
});
