import { eq } from "drizzle-orm";
import { organisations } from "@/db/schema";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { expect, expectNoAxeViolations, freshTotpCode, test } from "./fixtures";

test("signed-out pages pass axe", async ({ page }) => {
  await page.goto("/login");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expectNoAxeViolations(page);
  await page.goto("/dev/outbox");
  await expectNoAxeViolations(page);
  await page.goto("/no-such-page");
  await expectNoAxeViolations(page);
});

test("signed-in pages pass axe", async ({ page, context, createUser, signInAs }) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  for (const path of ["/", "/profile", "/admin/settings"]) {
    await page.goto(path);
    await expectNoAxeViolations(page);
  }
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Settings saved" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the 403 page passes axe", async ({ page, context, createUser, signInAs }) => {
  await signInAs(context, await createUser());
  await page.goto("/admin/settings");
  await expectNoAxeViolations(page);
});

test("the two-factor pages pass axe: challenge, enrolment, recovery codes, and the profile with 2FA on", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const withApp = await createUser({ totp: true });
  await page.goto("/login");
  await page.getByLabel("Email").fill(withApp.email);
  await page.getByLabel("Password").fill(withApp.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL("/login/two-factor");
  await expectNoAxeViolations(page);
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not valid.", { exact: false })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel("Code").fill(await freshTotpCode(db, withApp, withApp.totpSecret!));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/profile");
  await expectNoAxeViolations(page);

  await context.clearCookies();
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByRole("button", { name: "Enable two-factor authentication" }).click();
  await section.getByLabel("Password", { exact: true }).fill(user.password);
  await section.getByRole("button", { name: "Continue" }).click();
  await expect(section.getByRole("img", { name: "QR code" })).toBeVisible();
  await expectNoAxeViolations(page);
  const secret = (await section.getByLabel("Secret key").textContent())!.replaceAll(" ", "");
  await section.getByLabel("Code").fill(totpCodeAt(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("list", { name: "Recovery codes" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the code challenge and the profile's code and mobile forms pass axe", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const user = await createUser({
    totp: true,
    columns: { codesEnabledAt: new Date(), preferredTwoFactorMethod: "code" },
  });
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Send a new code" }).click();
  await expect(page.getByText(/Please wait/)).toBeVisible();
  await expectNoAxeViolations(page);

  await context.clearCookies();
  const optional = await createUser();
  await signInAs(context, optional);
  await page.goto("/profile");
  await page.getByRole("button", { name: "Set up codes by text message or email" }).click();
  await page.getByRole("button", { name: "Add a mobile number" }).click();
  await page.getByRole("button", { name: "Save mobile number" }).click();
  await expect(page.getByText("Enter your current password.").first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test("admin pages and the sign-in setup pass axe", async ({ page, context, createUser, signInAs }) => {
  const admin = await createUser({
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
  });
  const colleague = await createUser({ organisationId: admin.organisationId, totp: true });
  await signInAs(context, admin);
  for (const path of [
    "/admin/users",
    `/admin/users/${colleague.id}`,
    "/admin/roles",
    "/admin/groups",
    "/admin/audit",
    "/admin/settings",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoAxeViolations(page);
  }
  await page.goto("/admin/roles");
  await page.getByRole("button", { name: "Create role" }).click();
  await expect(page.getByText("Enter a name.")).toBeVisible();
  await expectNoAxeViolations(page);
});

test("the setup page passes axe", async ({ page, db, createUser }) => {
  const user = await createUser({ columns: { twoFactorRequirement: "required" } });
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, user.organisationId));
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL("/login/setup");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Enable two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code" })).toBeVisible();
  await expectNoAxeViolations(page);
});
