import crypto from "node:crypto";
import { request as playwrightRequest, type Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { emailLinks, groupMembers, groups, organisations, roles, sessions, userRoles, users } from "@/db/schema";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import {
  confirmInDialog,
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  outboxEmails,
  signInWithForm,
  signOut,
  submitAndWait,
  test,
  uniqueEmail,
} from "./fixtures";

/** Fills "Invite people" on /admin/users and sends it. */
async function invite(page: Page, email: string, choices: string[]) {
  await page.goto("/admin/users");
  await page.getByRole("button", { name: "Invite people" }).click();
  const form = page.getByRole("form", { name: "Invite people" });
  await form.getByLabel("Email address").fill(email);
  for (const choice of choices) await form.getByLabel(choice, { exact: true }).check();
  await submitAndWait(page, form.getByRole("button", { name: "Send invitation" }));
  return form;
}

/** The link in the newest invitation email to `email`, as the invitee would click it. */
async function invitationLink(db: Parameters<typeof outboxEmails>[0], email: string): Promise<string> {
  const [mail] = await outboxEmails(db, email);
  const link = /(https?:\/\/\S+\/invite\/[\w-]+)/.exec(mail?.body ?? "")?.[1];
  if (!link) throw new Error(`no invitation link for ${email}`);
  return link;
}

async function acceptWith(page: Page, fields: { name: string; password: string; confirm?: string }) {
  await page.getByLabel("Your name", { exact: true }).fill(fields.name);
  await page.getByLabel("New password", { exact: true }).fill(fields.password);
  await page.getByLabel("Confirm new password", { exact: true }).fill(fields.confirm ?? fields.password);
  await page.getByRole("button", { name: "Accept invitation" }).click();
}

async function setUpOrganisation(db: Parameters<typeof outboxEmails>[0], organisationId: number) {
  // With codes allowed, a required user would get emailed codes without any setup.
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, organisationId));
  const tag = crypto.randomUUID().slice(0, 6);
  const strict = (
    await db
      .insert(roles)
      .values({ organisationId, name: `On call ${tag}`, requireTwoFactor: true })
      .returning()
  )[0]!;
  const relaxed = (
    await db
      .insert(roles)
      .values({ organisationId, name: `Reader ${tag}` })
      .returning()
  )[0]!;
  const group = (
    await db
      .insert(groups)
      .values({ organisationId, name: `Night shift ${tag}` })
      .returning()
  )[0]!;
  return { strict, relaxed, group };
}

test("an admin invites someone with roles and groups: the email carries the link, the list shows them as invited, a taken address is refused", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"], name: "Ada Admin" });
  const organisation = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  const { strict, group } = await setUpOrganisation(db, admin.organisationId);
  await signInAs(context, admin);
  const email = uniqueEmail("nina");

  const form = await invite(page, email, [strict.name, group.name]);
  await expect(form.getByRole("status")).toHaveText(`Invitation sent to ${email}.`);
  await expectNoAxeViolations(page);

  // The address is now taken: the field says so, and the ticked choices stay ticked.
  await form.getByLabel("Email address").fill(email.toUpperCase());
  await form.getByLabel(strict.name, { exact: true }).check();
  await submitAndWait(page, form.getByRole("button", { name: "Send invitation" }));
  const refused = "This address cannot be invited. If they already use Twofold here, find them in the list of users.";
  await expect(form.getByLabel("Email address")).toHaveAccessibleDescription(refused);
  await expect(form.getByLabel(strict.name, { exact: true })).toBeChecked();
  await expectNoAxeViolations(page);

  // An address of another organisation on this server gets the very same answer: nothing says where it lives.
  const stranger = await createUser();
  await form.getByLabel("Email address").fill(stranger.email);
  await submitAndWait(page, form.getByRole("button", { name: "Send invitation" }));
  await expect(form.getByLabel("Email address")).toHaveAccessibleDescription(refused);
  expect(
    (await db.select().from(users).where(eq(users.email, stranger.email))).map((row) => row.organisationId),
  ).toEqual([stranger.organisationId]);

  const invitee = (await db.select().from(users).where(eq(users.email, email)))[0]!;
  expect(invitee.passwordHash).toBeNull();
  expect(await db.select({ roleId: userRoles.roleId }).from(userRoles).where(eq(userRoles.userId, invitee.id))).toEqual(
    [{ roleId: strict.id }],
  );
  expect(
    await db.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, invitee.id)),
  ).toEqual([{ groupId: group.id }]);
  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  await expect(page.getByRole("row").filter({ hasText: email })).toContainText("Invited");

  const mails = await outboxEmails(db, email);
  expect(mails).toHaveLength(1);
  expect(mails[0]!.subject).toContain(organisation.name);
  expect(mails[0]!.body).toContain("Ada Admin invited you");
  expect((await invitationLink(db, email)).startsWith(`${new URL(page.url()).origin}/invite/`)).toBe(true);

  // The invitee has no password yet: signing in is refused like any wrong password.
  const inviteeContext = await browser.newContext();
  const inviteePage = await inviteeContext.newPage();
  const inviteeErrors = failOnServerErrors(inviteePage);
  await signInWithForm(inviteePage, { email, password: "no password has been set yet" });
  await expect(inviteePage.getByRole("status")).toHaveText("Incorrect email or password.");
  inviteeErrors();
  await inviteeContext.close();
  noServerErrors();
});

test("an invitee whose role requires 2FA sets a password, then must set up an authenticator before anything else", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const organisation = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  const { strict, group } = await setUpOrganisation(db, admin.organisationId);
  await signInAs(context, admin);
  const email = uniqueEmail("nina");
  await invite(page, email, [strict.name, group.name]);
  const invitee = (await db.select().from(users).where(eq(users.email, email)))[0]!;
  const link = await invitationLink(db, email);

  const inviteeContext = await browser.newContext();
  const inviteePage = await inviteeContext.newPage();
  const inviteeErrors = failOnServerErrors(inviteePage);

  // Opening the page twice (as a mail scanner and then the person) does not spend the link.
  await inviteePage.goto(link);
  await inviteePage.goto(link);
  await expect(inviteePage.getByRole("heading", { name: `Join ${organisation.name}` })).toBeVisible();
  await expect(inviteePage.getByText(email)).toBeVisible();
  await expectNoAxeViolations(inviteePage);

  await acceptWith(inviteePage, { name: "Nina Invitee", password: "a long enough passphrase" });
  // Hashing the new password takes a while on a busy machine.
  await expect(inviteePage).toHaveURL("/login/setup?welcome=1", { timeout: 20_000 });
  await expect(
    inviteePage.getByText("Welcome, Nina Invitee. Your account is ready. Next: set up two-factor authentication."),
  ).toBeVisible();
  for (const path of ["/", "/profile", "/admin/users"]) {
    await inviteePage.goto(path);
    await expect(inviteePage).toHaveURL("/login/setup");
  }
  expect((await db.select().from(sessions).where(eq(sessions.userId, invitee.id))).map((row) => row.stage)).toEqual([
    "setup",
  ]);

  await inviteePage.getByRole("button", { name: "Enable two-factor authentication" }).click();
  const secret = (await inviteePage.getByLabel("Secret key").textContent())!.replaceAll(" ", "");
  await inviteePage.getByLabel("Code").fill(totpCodeAt(secret));
  await inviteePage.getByRole("button", { name: "Turn on" }).click();
  await inviteePage.getByRole("button", { name: "I have saved my recovery codes" }).click();
  await expect(inviteePage).toHaveURL("/");
  await expect(inviteePage.getByRole("heading", { name: "Welcome, Nina Invitee" })).toBeVisible();
  await expect(
    inviteePage.getByText("On: after your password, you enter a code from your authenticator app."),
  ).toBeVisible();

  // The link worked once; a second browser gets the refusal page.
  const replayContext = await browser.newContext();
  const replayPage = await replayContext.newPage();
  const response = await replayPage.goto(link);
  expect(response?.status()).toBe(404);
  await expect(replayPage.getByRole("heading", { name: "This invitation link cannot be used" })).toBeVisible();
  await expect(replayPage.getByText("Ask your administrator")).toBeVisible();
  await expectNoAxeViolations(replayPage);
  await replayContext.close();

  // Accepted: no longer shown as invited.
  await page.goto(`/admin/users/${invitee.id}`);
  await expect(page.getByRole("heading", { name: "Invitation" })).toHaveCount(0);
  inviteeErrors();
  await inviteeContext.close();
  noServerErrors();
});

test("an invitation for a role without 2FA lands on the dashboard, signing out whoever this browser had signed in", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const { relaxed } = await setUpOrganisation(db, admin.organisationId);
  await signInAs(context, admin);
  const email = uniqueEmail("omar");
  await invite(page, email, [relaxed.name]);
  const link = await invitationLink(db, email);

  const sharedContext = await browser.newContext();
  const sharedPage = await sharedContext.newPage();
  const noServerErrors = failOnServerErrors(sharedPage);
  const colleague = await createUser({ organisationId: admin.organisationId });
  await signInAs(sharedContext, colleague);
  await sharedPage.goto(link);
  await expect(sharedPage.getByText(`This browser is signed in as ${colleague.email}.`)).toBeVisible();

  // Mistakes are announced next to their fields and in the form's status, and change nothing.
  await acceptWith(sharedPage, {
    name: "Omar Onboard",
    password: "a long enough passphrase",
    confirm: "a different long passphrase",
  });
  await expect(sharedPage.getByLabel("Confirm new password", { exact: true })).toHaveAccessibleDescription(
    "The two passwords do not match.",
  );
  await expect(sharedPage.getByRole("status")).toHaveText("Please correct the highlighted field.");
  await expect(sharedPage.getByLabel("Your name", { exact: true })).toHaveValue("Omar Onboard");
  await expectNoAxeViolations(sharedPage);
  await acceptWith(sharedPage, { name: "Omar Onboard", password: "short" });
  await expect(sharedPage.getByLabel("New password", { exact: true })).toHaveAccessibleDescription(
    /Use at least 12 characters\./,
  );
  expect((await db.select().from(users).where(eq(users.email, email)))[0]!.passwordHash).toBeNull();
  expect(await db.select().from(sessions).where(eq(sessions.userId, colleague.id))).toHaveLength(1);

  await acceptWith(sharedPage, { name: "Omar Onboard", password: "correct horse battery staple" });
  await expect(sharedPage).toHaveURL("/welcome");
  await expect(sharedPage.getByRole("heading", { name: "Welcome, Omar Onboard" })).toBeVisible();
  await expect(sharedPage.getByText(`You are signed in to`)).toContainText(email);
  await expectNoAxeViolations(sharedPage);
  await sharedPage.getByRole("link", { name: /dashboard/ }).click();
  await expect(sharedPage).toHaveURL("/");
  await expect(sharedPage.getByText("Off: your account is protected by your password alone.")).toBeVisible();
  expect(await db.select().from(sessions).where(eq(sessions.userId, colleague.id))).toHaveLength(0);
  const invitee = (await db.select().from(users).where(eq(users.email, email)))[0]!;
  expect((await db.select().from(sessions).where(eq(sessions.userId, invitee.id))).map((row) => row.stage)).toEqual([
    "active",
  ]);

  // From now on the chosen password is theirs to sign in with.
  await signOut(sharedPage);
  await signInWithForm(sharedPage, { email, password: "correct horse battery staple" });
  await expect(sharedPage).toHaveURL("/");
  noServerErrors();
  await sharedContext.close();
});

test("an expired link is refused, resending replaces the link, and withdrawing deletes the invitee and kills the link", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const { relaxed } = await setUpOrganisation(db, admin.organisationId);
  await signInAs(context, admin);
  const email = uniqueEmail("pat");
  await invite(page, email, [relaxed.name]);
  const invitee = (await db.select().from(users).where(eq(users.email, email)))[0]!;
  const firstLink = await invitationLink(db, email);

  // The page was opened while the link was good; the link expires before the form is sent.
  const inviteeContext = await browser.newContext();
  const inviteePage = await inviteeContext.newPage();
  await inviteePage.goto(firstLink);
  await db
    .update(emailLinks)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(emailLinks.userId, invitee.id));
  await acceptWith(inviteePage, { name: "Pat Late", password: "correct horse battery staple" });
  await expect(inviteePage.getByRole("status")).toHaveText(
    "This invitation link can no longer be used. Ask your administrator to send you a new invitation.",
  );
  await expect(inviteePage).toHaveURL(firstLink);
  expect((await db.select().from(users).where(eq(users.id, invitee.id)))[0]!.passwordHash).toBeNull();
  await inviteePage.goto(firstLink);
  await expect(inviteePage.getByRole("heading", { name: "This invitation link cannot be used" })).toBeVisible();

  await page.goto(`/admin/users/${invitee.id}`);
  const card = page.getByRole("region", { name: "Invitation" });
  await expect(card).toContainText("the link no longer works");
  await expectNoAxeViolations(page);
  await submitAndWait(page, card.getByRole("button", { name: "Resend invitation" }));
  await expect(card.getByRole("status").filter({ hasText: "A new invitation" })).toHaveText(
    "A new invitation was sent. Earlier links no longer work.",
  );
  await expect(card).toContainText(/Invitation sent .*, expires /);
  const secondLink = await invitationLink(db, email);
  expect(secondLink).not.toBe(firstLink);
  await inviteePage.goto(secondLink);
  await expect(inviteePage.getByRole("button", { name: "Accept invitation" })).toBeVisible();

  await card.getByRole("button", { name: "Withdraw invitation" }).click();
  await confirmInDialog(page, "Withdraw");
  await expect(page).toHaveURL("/admin/users");
  expect((await db.select().from(users).where(eq(users.id, invitee.id)))[0]).toBeUndefined();
  await acceptWith(inviteePage, { name: "Pat Withdrawn", password: "correct horse battery staple" });
  await expect(inviteePage.getByRole("status")).toHaveText(
    "This invitation link can no longer be used. Ask your administrator to send you a new invitation.",
  );
  await inviteePage.goto(secondLink);
  await expect(inviteePage.getByRole("heading", { name: "This invitation link cannot be used" })).toBeVisible();
  await inviteeContext.close();
  noServerErrors();
});

test("inviting needs users:manage: a reader sees no invite form, and the admin's request replayed as the reader is refused", async ({
  page,
  context,
  db,
  baseURL,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const reader = await createUser({ organisationId: admin.organisationId, permissions: ["users:read"] });
  const { relaxed } = await setUpOrganisation(db, admin.organisationId);
  await signInAs(context, admin);
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await invite(page, uniqueEmail("first"), [relaxed.name]);
  const captured = await posted;

  await context.clearCookies();
  const readerToken = await signInAs(context, reader);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Invite people" })).toHaveCount(0);

  // The same request, for another address, with the reader's session.
  const replayEmail = uniqueEmail("replayed");
  const body = captured
    .postDataBuffer()!
    .toString("latin1")
    .replace(/first-[0-9a-f]{8}@example\.com/, replayEmail);
  const headers: Record<string, string> = {
    ...captured.headers(),
    cookie: `${sessionCookie(false).name}=${readerToken}`,
  };
  delete headers["content-length"];
  const replayContext = await playwrightRequest.newContext({ baseURL });
  const response = await replayContext.fetch(captured.url(), {
    method: "POST",
    headers,
    data: Buffer.from(body, "latin1"),
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  await replayContext.dispose();
  expect(await db.select().from(users).where(eq(users.email, replayEmail))).toHaveLength(0);
});

test("an invitee whose only second step would be an emailed code is signed in by the accepted link, welcomed with the next step, and asked for a code from the next sign-in on", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const { strict } = await setUpOrganisation(db, admin.organisationId);
  // Codes allowed: a required invitee with nothing set up gets emailed codes (the fallback) as their second step.
  await db.update(organisations).set({ allowCode: true }).where(eq(organisations.id, admin.organisationId));
  await signInAs(context, admin);
  const email = uniqueEmail("ana");
  await invite(page, email, [strict.name]);
  const link = await invitationLink(db, email);

  const inviteeContext = await browser.newContext();
  const inviteePage = await inviteeContext.newPage();
  const noServerErrors = failOnServerErrors(inviteePage);
  await inviteePage.goto(link);
  await acceptWith(inviteePage, { name: "Ana Newcomer", password: "correct horse battery staple" });

  await test.step("the link was the email proof: signed in, no code emailed, the next step named", async () => {
    await expect(inviteePage).toHaveURL("/welcome");
    await expect(inviteePage.getByRole("heading", { name: "Welcome, Ana Newcomer" })).toBeVisible();
    await expect(
      inviteePage.getByText("Next: set up an authenticator app, so signing in does not have to wait for an email."),
    ).toBeVisible();
    await expect(inviteePage.getByRole("link", { name: "Set up an authenticator app" })).toHaveAttribute(
      "href",
      "/profile#two-factor",
    );
    await expectNoAxeViolations(inviteePage);
    expect((await outboxEmails(db, email)).map((mail) => mail.subject)).toEqual([expect.stringContaining("invited")]);
    const invitee = (await db.select().from(users).where(eq(users.email, email)))[0]!;
    expect(invitee.lastSignInAt).not.toBeNull();
    expect((await db.select().from(sessions).where(eq(sessions.userId, invitee.id))).map((row) => row.stage)).toEqual([
      "active",
    ]);
  });

  await test.step("the next sign-in asks for the emailed code as usual", async () => {
    await inviteePage.getByRole("link", { name: /dashboard/ }).click();
    await expect(inviteePage).toHaveURL("/");
    await signOut(inviteePage);
    await signInWithForm(inviteePage, { email, password: "correct horse battery staple" });
    await expect(inviteePage).toHaveURL(/\/login\/two-factor/);
    await expect(inviteePage.getByText(/We sent a 6-digit code by email/)).toBeVisible();
  });
  noServerErrors();
  await inviteeContext.close();
});
