import { eq } from "drizzle-orm";
import type { Page } from "@playwright/test";
import type { Db } from "@/db";
import { auditEvents, organisations, sessions, users } from "@/db/schema";
import { hashToken } from "@/lib/crypto";
import {
  expect,
  expectNoAxeViolations,
  freshTotpCode,
  signInWithForm,
  signOut,
  test,
  textMessagesTo,
  uniqueMobileNumber,
  type TestUser,
} from "./fixtures";

/** Makes the session look as if its user signed in `minutes` ago, without waiting. */
async function ageAuthentication(db: Db, token: string, minutes: number) {
  const then = new Date(Date.now() - minutes * 60_000);
  await db
    .update(sessions)
    .set({ authenticatedAt: then, createdAt: then })
    .where(eq(sessions.tokenHash, hashToken(token)));
}

async function confirmAccess(page: Page, db: Db, user: TestUser) {
  await expect(page.getByRole("heading", { name: "Confirm access" })).toBeVisible();
  await page.getByLabel("Password").fill(user.password);
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByRole("button", { name: "Confirm" }).click();
}

test("a session idle past the organisation's inactivity setting is sent to /login on its next request", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  await db.update(organisations).set({ sessionIdleMinutes: 15 }).where(eq(organisations.id, user.organisationId));
  const token = await signInAs(context, user);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();

  await db
    .update(sessions)
    .set({ lastSeenAt: new Date(Date.now() - 16 * 60_000) })
    .where(eq(sessions.tokenHash, hashToken(token)));
  await page.getByRole("link", { name: "Dashboard", exact: true }).click();
  await expect(page).toHaveURL("/login?reason=session-ended");
  await expect(page.getByRole("status")).toContainText("Your session has ended");
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
});

test("a user with a factor cannot change the mobile number or add codes with the password alone; after Confirm access with password and code they can", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser({ totp: true });
  const token = await signInAs(context, user);
  await ageAuthentication(db, token, 16);
  const mobileNumber = uniqueMobileNumber();

  await page.goto("/profile");
  const mobile = page.getByRole("region", { name: "Mobile number" });
  await mobile.getByRole("button", { name: "Add a mobile number" }).click();
  await mobile.getByLabel("Mobile number").fill(mobileNumber);
  await mobile.getByLabel("Current password").fill(user.password);
  await mobile.getByRole("button", { name: "Save mobile number" }).click();

  // The password alone changes nothing: the server sends the user to confirm first.
  await expect(page).toHaveURL(`/confirm-access?next=${encodeURIComponent("/profile")}`);
  expect(await textMessagesTo(mobileNumber)).toHaveLength(0);
  await expectNoAxeViolations(page);

  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Enter a code.")).toBeVisible();
  await page.getByLabel("Password").fill(user.password);
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("That code is not valid.")).toBeVisible();
  await expectNoAxeViolations(page);
  await confirmAccess(page, db, user);

  // Back where they were: the number is filled in again; only the password is typed once more.
  await expect(page).toHaveURL(/\/profile(#access-confirmed)?$/);
  await mobile.getByRole("button", { name: "Add a mobile number" }).click();
  await expect(mobile.getByLabel("Mobile number")).toHaveValue(mobileNumber);
  await expect(mobile.getByLabel("Current password")).toBeFocused();
  await mobile.getByLabel("Current password").fill(user.password);
  await mobile.getByRole("button", { name: "Save mobile number" }).click();
  await expect(
    mobile.getByText(`We sent a code by text message to •••• ${mobileNumber.slice(-4)}. It is valid for 2 minutes.`),
  ).toBeVisible();
  expect(await textMessagesTo(mobileNumber)).toHaveLength(1);

  const confirmed = (
    await db.select({ type: auditEvents.type }).from(auditEvents).where(eq(auditEvents.targetUserId, user.id))
  ).map((row) => row.type);
  expect(confirmed).toEqual(expect.arrayContaining(["access_confirmation.failed", "access.confirmed"]));
});

test("an administrator 16 minutes after signing in who changes the policy is asked to confirm access, and the change happens after confirming", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({
    totp: true,
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
  });
  const token = await signInAs(context, admin);
  await ageAuthentication(db, token, 16);
  const policy = async () =>
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.twoFactorPolicy;

  await page.goto("/admin/settings");
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();
  await expect(page).toHaveURL(/\/confirm-access\?next=%2Fadmin%2Fsettings$/);
  expect(await policy()).toBe("optional");

  // Cancelling comes back with the choice still made, and sends nothing.
  await page.getByRole("link", { name: "Cancel" }).click();
  await expect(page.getByRole("radio", { name: "Required" })).toBeChecked();
  await expect(page).toHaveURL("/admin/settings");
  expect(await policy()).toBe("optional");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Confirm and save" }).click();

  await confirmAccess(page, db, admin);
  await expect(page).toHaveURL(/\/admin\/settings(#access-confirmed)?$/);
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();
  expect(await policy()).toBe("required");
  await expect(page.getByRole("radio", { name: "Required" })).toBeChecked();
});

test("a replayed admin change from a session that has not confirmed access recently changes nothing", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({
    totp: true,
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
  });
  const token = await signInAs(context, admin);
  await page.goto("/admin/settings");
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const request = await posted;
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toBeVisible();

  // The same request, a stolen cookie's worth of time later, asking for a week-long idle timeout.
  await ageAuthentication(db, token, 16);
  const body = request
    .postDataBuffer()!
    .toString("latin1")
    .replace(/(name="[^"]*sessionIdleMinutes"\r\n\r\n)\d+/, "$110080");
  expect(body).toContain("10080");
  const replayed = await page.request.fetch(request.url(), {
    method: "POST",
    headers: { ...request.headers(), "content-length": String(Buffer.byteLength(body, "latin1")) },
    data: Buffer.from(body, "latin1"),
  });
  expect(replayed.status()).toBe(200);
  expect(await replayed.text()).toContain("reauthenticate");
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionIdleMinutes,
  ).toBe(20160);
});

test("the NIST AAL2 preset sets 24-hour sessions that end after an hour of inactivity, in one click", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
  });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  await page.getByRole("button", { name: "Apply NIST AAL2 preset" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved." })).toContainText(
    "1 day; sessions idle for 1 hour are signed out",
  );
  const saved = (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!;
  expect({ days: saved.sessionDurationDays, idle: saved.sessionIdleMinutes }).toEqual({ days: 1, idle: 60 });
  await expect(page.getByLabel("Sign out after inactivity")).toHaveValue("60");
  await expectNoAxeViolations(page);
});

test("a sign-in that a remembered browser let through with the password alone must still confirm access with a code", async ({
  page,
  db,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
  await page.getByLabel("Remember this browser for 90 days").check();
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
  await signOut(page);

  // The thief's case: the remembered browser's cookie and the password, no second factor.
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  await page.goto("/profile");
  const mobile = page.getByRole("region", { name: "Mobile number" });
  await mobile.getByRole("button", { name: "Add a mobile number" }).click();
  await mobile.getByLabel("Mobile number").fill(uniqueMobileNumber());
  await mobile.getByLabel("Current password").fill(user.password);
  await mobile.getByRole("button", { name: "Save mobile number" }).click();
  await expect(page).toHaveURL(/\/confirm-access\?next=%2Fprofile$/);
  await expect(page.getByLabel("Code")).toBeVisible();
});

test("a session that has not proved who it is recently is signed out, not sent to on-screen setup, when 2FA becomes required", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser();
  const token = await signInAs(context, user);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();

  await ageAuthentication(db, token, 20);
  // Without codes allowed, a required user without an authenticator app has a setup to do.
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, user.organisationId));
  await db
    .update(users)
    .set({ twoFactorRequirement: "required", twoFactorRequiredSince: new Date() })
    .where(eq(users.id, user.id));
  await page.goto("/profile");
  await expect(page).toHaveURL("/login?reason=setup-required");
  await expect(page.getByRole("status")).toContainText("Sign in again to set it up.");
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
});
