import type { Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { OIDC_E2E_ORGANISATION_ID } from "@/test/stand-ins/oidc-client";
import { test } from "./fixtures";
import { organisations } from "@/db/schema";

const issuer = () => process.env.E2E_OIDC_ISSUER!;
async function sso(page: Page, login: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in with SSO" }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer()));
  await page.screenshot({ path: "/tmp/sso-shot-idp.png", fullPage: true });
  await page.getByPlaceholder("Enter any login").fill(login);
  await page.getByPlaceholder("and password").fill("x");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL((url) => !url.href.startsWith(issuer()));
}
test("shots", async ({ page, browser, db, context, createUser, signInAs }) => {
  db.insert(organisations).values({ id: OIDC_E2E_ORGANISATION_ID, name: "SSO Org", twoFactorPolicy: "required" }).onConflictDoNothing().run();
  await page.goto("/login");
  await page.screenshot({ path: "/tmp/sso-shot-login.png", fullPage: true });
  const p2 = await browser.newPage();
  await sso(p2, "shot-user");
  await p2.waitForURL(/\/$/);
  await p2.screenshot({ path: "/tmp/sso-shot-dashboard.png", fullPage: true });
  await p2.goto("/profile");
  await p2.screenshot({ path: "/tmp/sso-shot-profile.png", fullPage: true });
  const local = await createUser();
  await fetch(`${issuer()}/_stand-in/accounts/attacker`, { method: "POST", body: JSON.stringify({ email: local.email }) });
  const p3 = await browser.newPage();
  await sso(p3, "attacker");
  await p3.waitForURL(/reason=/);
  await p3.screenshot({ path: "/tmp/sso-shot-refused.png", fullPage: true });
  const user = db.select().from(users).where(eq(users.ssoSubject, "shot-user")).get()!;
  const admin = await createUser({ organisationId: OIDC_E2E_ORGANISATION_ID, permissions: ["users:read", "users:manage"], totp: true });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${user.id}`);
  await page.screenshot({ path: "/tmp/sso-shot-admin.png", fullPage: true });
});
