import { and, eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import { auditEvents, PERMISSIONS, recoveryRequests, totpCredentials, users } from "@/db/schema";
import type { Db } from "@/db";
import {
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  outboxEmails,
  signInWithForm,
  submitAndWait,
  test,
} from "./fixtures";

const ALL = [...PERMISSIONS];
const BUTTON = "I can't use any of my methods";
const ADMIN_SUBJECT = "cannot use their two-factor methods";

const eventsOf = async (db: Db, userId: number, type: string) =>
  await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.type, type)));
const requestsOf = async (db: Db, userId: number) =>
  await db.select().from(recoveryRequests).where(eq(recoveryRequests.userId, userId));

async function askForHelp(page: Page, user: { email: string; password: string }) {
  await signInWithForm(page, user);
  await expect(page).toHaveURL(/\/login\/two-factor/);
  await submitAndWait(page, page.getByRole("button", { name: BUTTON }));
  await expect(page.getByText("Your request was sent to your administrators.")).toBeVisible();
}

test("a user who lost their authenticator asks for help; an administrator resets it with a reason; the user signs in again without it", async ({
  browser,
  page,
  db,
  createUser,
  signInAs,
  clientIp,
  baseURL,
}) => {
  test.slow();
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const user = await createUser({ organisationId: admin.organisationId, totp: true, name: "Lou Lostphone" });

  await test.step("the challenge offers the button, and pressing it says what happens next", async () => {
    await signInWithForm(page, user);
    await expect(page).toHaveURL(/\/login\/two-factor/);
    await expect(page.getByRole("button", { name: BUTTON })).toBeVisible();
    await expectNoAxeViolations(page);
    await submitAndWait(page, page.getByRole("button", { name: BUTTON }));
    await expect(page.getByText("Your request was sent to your administrators.")).toBeVisible();
    const next = page.getByRole("region", { name: "What happens next" });
    await expect(next).toContainText("An administrator will contact you to check it is really you.");
    await expect(next).toContainText("Then they will reset your two-factor authentication.");
    await expect(next).toContainText("You will then sign in with your password and set up a new method.");
    await expect(next).toContainText("Nothing changes until then");
    await expect(next).toContainText("The request expires on");
    await expectNoAxeViolations(page);
    await page.screenshot({ path: "test-results/recovery-challenge-after-request.png", fullPage: true });

    // A second press sends nothing more.
    await submitAndWait(page, page.getByRole("button", { name: BUTTON }));
    await expect(page.getByText(/You already asked for help on .+ UTC\. We did not send it again\./)).toBeVisible();
    expect(await requestsOf(db, user.id)).toHaveLength(1);
    expect(await eventsOf(db, user.id, "recovery_request.created")).toHaveLength(1);
    // Nothing about the account changed.
    expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id))).toHaveLength(1);
  });

  let emailedLink = "";
  await test.step("the administrator and the user are emailed once", async () => {
    const toAdmin = (await outboxEmails(db, admin.email)).filter((mail) => mail.subject?.includes(ADMIN_SUBJECT));
    expect(toAdmin).toHaveLength(1);
    emailedLink = /https?:\/\/\S+\/admin\/users\/\d+/.exec(toAdmin[0]!.body)?.[0] ?? "";
    expect(emailedLink).toBe(`${baseURL}/admin/users/${user.id}`);
    expect(toAdmin[0]!.body).toContain(user.email);
    const toUser = (await outboxEmails(db, user.email)).filter((mail) =>
      mail.subject?.includes("you asked for help signing in"),
    );
    expect(toUser).toHaveLength(1);
    expect(toUser[0]!.body).toContain("If it was not you, someone knows your password.");
  });

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  const noAdminServerErrors = failOnServerErrors(adminPage);
  await signInAs(adminContext, admin);

  await test.step("the administrator sees the request on /admin/users and on the user's page", async () => {
    await adminPage.goto("/admin/users");
    const card = adminPage.getByRole("region", { name: "Recovery requests" });
    await expect(card.getByRole("link", { name: user.name })).toBeVisible();
    await expect(card).toContainText(user.email);
    await expect(card).toContainText(clientIp);
    await expectNoAxeViolations(adminPage);
    await adminPage.screenshot({ path: "test-results/recovery-admin-list.png", fullPage: true });

    await card.getByRole("link", { name: user.name }).click();
    await expect(adminPage).toHaveURL(new RegExp(`/admin/users/${user.id}`));
    const request = adminPage.getByRole("region", { name: "Recovery request" });
    await expect(request).toContainText(clientIp);
    await expect(request.getByRole("button", { name: "Dismiss request" })).toBeVisible();
    await expect(request.getByRole("link", { name: "“Reset two-factor authentication”" })).toHaveAttribute(
      "href",
      "#account-actions",
    );
    await expectNoAxeViolations(adminPage);
    await adminPage.screenshot({ path: "test-results/recovery-admin-user.png", fullPage: true });
  });

  await test.step("the reset asks for a reason, refuses a blank one, and records it", async () => {
    // The emailed link leads to the same page.
    await adminPage.goto(emailedLink);
    await expect(adminPage.getByRole("region", { name: "Recovery request" })).toBeVisible();
    await adminPage.getByRole("button", { name: "Reset two-factor authentication" }).click();
    const dialog = adminPage.getByRole("dialog");
    const reason = dialog.getByLabel("Reason");
    await expect(reason).toBeVisible();
    await expectNoAxeViolations(adminPage);
    await adminPage.screenshot({ path: "test-results/recovery-reset-dialog.png" });

    // Spaces pass the browser's "required"; the server's schema refuses them, and the dialog stays open on the field.
    await reason.fill("   ");
    await submitAndWait(adminPage, dialog.getByRole("button", { name: "Reset", exact: true }));
    await expect(reason).toHaveAccessibleDescription(/Say why you are resetting it/);
    await expect(reason).toBeFocused();
    await expectNoAxeViolations(adminPage);
    expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id))).toHaveLength(1);

    await reason.fill("Lost phone; checked by a call to her desk number.");
    await submitAndWait(adminPage, dialog.getByRole("button", { name: "Reset", exact: true }));
    await expect(
      adminPage.getByText("Two-factor authentication was reset and the user was signed out everywhere."),
    ).toBeVisible();
    await expect(adminPage.getByRole("dialog")).toHaveCount(0);

    const [reset] = await eventsOf(db, user.id, "two_factor.reset");
    expect(reset?.details).toMatchObject({
      reason: "Lost phone; checked by a call to her desk number.",
      recoveryRequestsResolved: 1,
    });
    expect(await eventsOf(db, user.id, "recovery_request.resolved")).toHaveLength(1);
    expect(await requestsOf(db, user.id)).toEqual([
      expect.objectContaining({ state: "resolved", closedByUserId: admin.id, closedAt: expect.any(Date) }),
    ]);
    const told = (await outboxEmails(db, user.email)).filter((mail) =>
      mail.subject?.includes("two-factor authentication was reset"),
    );
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain("Lost phone; checked by a call to her desk number.");

    await adminPage.goto("/admin/users");
    await expect(adminPage.getByRole("region", { name: "Recovery requests" })).toHaveCount(0);
  });

  await test.step("the user signs in with the password and is no longer asked for the lost authenticator", async () => {
    await page.goto("/login/two-factor");
    await expect(page).toHaveURL(/\/login/);
    await signInWithForm(page, user);
    // Optional for this user: no factor left, so nothing more to ask; they set a new one up on /profile.
    await expect(page).toHaveURL("/");
  });

  noServerErrors();
  noAdminServerErrors();
  await adminContext.close();
});

test("a helpdesk administrator who cannot act on a full administrator is not asked; another administrator dismisses the request", async ({
  browser,
  page,
  db,
  createUser,
  signInAs,
}) => {
  test.slow();
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const helpdesk = await createUser({
    organisationId: admin.organisationId,
    permissions: ["users:read", "users:manage"],
    name: "Hal Helpdesk",
  });
  const requester = await createUser({
    organisationId: admin.organisationId,
    permissions: ALL,
    totp: true,
    name: "Frank Fulladmin",
  });

  await test.step("the full administrator asks for help, also from the locked challenge", async () => {
    await askForHelp(page, requester);
    await db
      .update(users)
      .set({ secondFactorLockedAt: new Date(), secondFactorConsecutiveFailures: 100 })
      .where(eq(users.id, requester.id));
    await page.reload();
    await expect(page.getByText("Your second step is locked")).toBeVisible();
    await expect(page.getByRole("button", { name: BUTTON })).toBeVisible();
    await expect(page.getByRole("region", { name: "What happens next" })).toBeVisible();
    await expectNoAxeViolations(page);
    await db
      .update(users)
      .set({ secondFactorLockedAt: null, secondFactorConsecutiveFailures: 0 })
      .where(eq(users.id, requester.id));
  });

  await test.step("only the administrator who may reset them is emailed", async () => {
    expect((await outboxEmails(db, admin.email)).filter((mail) => mail.subject?.includes(ADMIN_SUBJECT))).toHaveLength(
      1,
    );
    expect(
      (await outboxEmails(db, helpdesk.email)).filter((mail) => mail.subject?.includes(ADMIN_SUBJECT)),
    ).toHaveLength(0);
  });

  const helpdeskContext = await browser.newContext();
  const helpdeskPage = await helpdeskContext.newPage();
  await signInAs(helpdeskContext, helpdesk);

  await test.step("the helpdesk administrator sees the request listed, but no button for it", async () => {
    await helpdeskPage.goto("/admin/users");
    await expect(
      helpdeskPage.getByRole("region", { name: "Recovery requests" }).getByRole("link", { name: requester.name }),
    ).toBeVisible();
    await helpdeskPage.goto(`/admin/users/${requester.id}`);
    const request = helpdeskPage.getByRole("region", { name: "Recovery request" });
    await expect(request).toContainText(
      "Only an administrator who holds all of their permissions can reset their two-factor authentication.",
    );
    await expect(helpdeskPage.getByRole("button", { name: "Dismiss request" })).toHaveCount(0);
    await expect(helpdeskPage.getByRole("button", { name: "Reset two-factor authentication" })).toHaveCount(0);
    await expectNoAxeViolations(helpdeskPage);
  });
  await helpdeskContext.close();

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signInAs(adminContext, admin);

  await test.step("the full administrator dismisses it: audited, no longer pending, nothing else changed", async () => {
    await adminPage.goto(`/admin/users/${requester.id}`);
    await submitAndWait(adminPage, adminPage.getByRole("button", { name: "Dismiss request" }));
    await expect(
      adminPage.getByText("The request was dismissed. The user can ask again if they still need help."),
    ).toBeVisible();
    await expectNoAxeViolations(adminPage);
    expect(await requestsOf(db, requester.id)).toEqual([
      expect.objectContaining({ state: "dismissed", closedByUserId: admin.id }),
    ]);
    expect(await eventsOf(db, requester.id, "recovery_request.dismissed")).toEqual([
      expect.objectContaining({ actorUserId: admin.id }),
    ]);
    expect(await db.select().from(totpCredentials).where(eq(totpCredentials.userId, requester.id))).toHaveLength(1);

    await adminPage.reload();
    await expect(adminPage.getByRole("region", { name: "Recovery request" })).toHaveCount(0);
    await adminPage.goto("/admin/users");
    await expect(adminPage.getByRole("region", { name: "Recovery requests" })).toHaveCount(0);

    // The requester's challenge no longer says a request is waiting.
    await page.reload();
    await expect(page.getByRole("button", { name: BUTTON })).toBeVisible();
    await expect(page.getByRole("region", { name: "What happens next" })).toHaveCount(0);
  });

  noServerErrors();
  await adminContext.close();
});
