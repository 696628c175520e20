import type { Page } from "@playwright/test";
import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { duoSecretKeyBinding } from "@/lib/keys/bindings";
import { encryptSecret } from "@/lib/keys/secrets";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import {
  codeIn,
  expect,
  expectNoAxeViolations,
  failOnServerErrors,
  keyRing,
  test,
  textMessagesTo,
  uniqueMobileNumber,
} from "./fixtures";

/*
 * The profile's "Two-factor authentication" card, one row per method after
 * GitHub's "Two-factor methods", and the "Mobile number" card's country
 * picker: what the card says after each action, at a computer's and a
 * phone's size.
 */

const SIZES = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

const card = (page: Page) => page.getByRole("region", { name: "Two-factor authentication" });
const row = (page: Page, name: string) =>
  card(page)
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { name, exact: true }) });

/** At both sizes: nothing wider than the screen, axe clean, and a screenshot to look at. */
async function checkAtBothSizes(page: Page, state: string) {
  // Two sizes, axe twice and two full-page screenshots: slower than one look.
  test.slow();
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${state} at ${size.width}px is wider than the screen`).toBeLessThanOrEqual(0);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: test.info().outputPath(`${state}-${size.name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: SIZES[0].width, height: SIZES[0].height });
}

test("right after the app is turned on, the card says so above the new recovery codes, and other sessions are named", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const user = await createUser();
  // A session elsewhere, which turning 2FA on must end.
  await createSession(db, { userId: user.id, stage: "active", context: { ip: "198.18.0.9", userAgent: "elsewhere" } });
  await signInAs(context, user);
  await page.goto("/profile");

  await test.step("off: the card says so, in words and not only by colour", async () => {
    await expect(card(page).getByRole("status").first()).toHaveText("Two-factor authentication is off.");
    await expect(row(page, "Authenticator app").getByText("Not set up", { exact: true })).toBeVisible();
    // Nothing to prefer, and no unexplained button to email a code.
    await expect(page.getByRole("combobox", { name: "Preferred method" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Email me a code/ })).toHaveCount(0);
    await checkAtBothSizes(page, "no-2fa");
  });

  let secret = "";
  await test.step("the QR code, and on a phone a link to the app and a copy of the key", async () => {
    await card(page).getByRole("button", { name: "Enable two-factor authentication" }).click();
    await card(page).getByLabel("Password", { exact: true }).fill(user.password);
    await card(page).getByRole("button", { name: "Continue" }).click();
    await expect(card(page).getByRole("img", { name: "QR code" })).toBeVisible();
    secret = (await card(page).getByLabel("Secret key").textContent())!.replaceAll(" ", "");

    const openInApp = card(page).getByRole("link", { name: "Open in authenticator app" });
    const uri = new URL((await openInApp.getAttribute("href"))!);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);

    await card(page).getByRole("button", { name: "Copy secret key" }).click();
    await expect(card(page).getByText("Copied", { exact: true })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the link comes before the QR code it cannot scan.
    const linkBox = (await openInApp.boundingBox())!;
    const qrBox = (await card(page).getByRole("img", { name: "QR code" }).boundingBox())!;
    expect(linkBox.y).toBeLessThan(qrBox.y);
    await checkAtBothSizes(page, "enrolling");
  });

  await test.step("turned on: the status is right at once, above the recovery codes", async () => {
    await card(page).getByLabel("Code").fill(totpCodeAt(secret));
    await card(page).getByRole("button", { name: "Turn on" }).click();
    await expect(card(page).getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
    await expect(card(page).getByRole("status").first()).toHaveText(
      "Two-factor authentication is on: authenticator app.",
    );
    await expect(row(page, "Authenticator app").getByText("Configured", { exact: true })).toBeVisible();
    await expect(card(page).getByText("Your other session was signed out.")).toBeVisible();
    await expect(row(page, "Recovery codes").getByText("10 of 10 recovery codes left.")).toBeVisible();
    await checkAtBothSizes(page, "recovery-codes-shown");
  });

  await test.step("the codes saved, the card shows the app as the only method", async () => {
    await card(page).getByRole("button", { name: "I have saved my recovery codes" }).click();
    await expect(card(page).getByRole("list", { name: "Recovery codes" })).toHaveCount(0);
    await expect(card(page).getByRole("button", { name: "Set up an authenticator app" })).toHaveCount(0);
    // One method: nothing to choose between, so no "Preferred" badge and no way to change it.
    await expect(card(page).getByText("Preferred", { exact: true })).toHaveCount(0);
    await expect(card(page).getByRole("button", { name: /preferred method/i })).toHaveCount(0);
    await checkAtBothSizes(page, "totp-on");
  });
  noServerErrors();
});

test("with two methods, the preferred one has a badge and another is made preferred from its row", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const user = await createUser({ totp: true, columns: { codesEnabledAt: new Date() } });
  await signInAs(context, user);
  await page.goto("/profile");
  await expect(card(page).getByRole("status").first()).toHaveText(
    "Two-factor authentication is on: authenticator app, code by text message or email.",
  );
  const app = row(page, "Authenticator app");
  const codes = row(page, "Codes by text message or email");
  await expect(app.getByText("Preferred", { exact: true })).toBeVisible();
  await expect(codes.getByText("Configured", { exact: true })).toBeVisible();
  await expect(app.getByRole("button", { name: /preferred method/i })).toHaveCount(0);
  await checkAtBothSizes(page, "both-on");

  await codes.getByRole("button", { name: "Make preferred method: Code by text message or email" }).click();
  await expect(codes.getByText("Preferred", { exact: true })).toBeVisible();
  await expect(codes.getByText("Sign-in will start with: code by text message or email.")).toBeVisible();
  await expect(app.getByText("Preferred", { exact: true })).toHaveCount(0);
  await expect(app.getByRole("button", { name: "Make preferred method: Authenticator app" })).toBeVisible();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.preferredTwoFactorMethod).toBe("code");
  await expectNoAxeViolations(page);
});

test("codes that nobody set up read “Email fallback only”, and the emailed code is offered only to confirm turning off", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const required = await createUser({ columns: { twoFactorRequirement: "required" } });
  await signInAs(context, required);
  await page.goto("/profile");
  await expect(row(page, "Codes by text message or email").getByText("Email fallback only")).toBeVisible();
  await expect(page.getByRole("button", { name: /Email me a code/ })).toHaveCount(0);
  await checkAtBothSizes(page, "email-fallback");

  await context.clearCookies();
  const onCodes = await createUser({ columns: { codesEnabledAt: new Date() } });
  await signInAs(context, onCodes);
  await page.goto("/profile");
  await expect(row(page, "Codes by text message or email").getByText("Configured", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: /Email me a code/ })).toHaveCount(0);
  await checkAtBothSizes(page, "codes-on");
  await card(page).getByRole("button", { name: "Disable two-factor authentication" }).click();
  // From the keyboard, as the card must work anyway: a mouse click here once waited three minutes, under a
  // full suite's load, for headless Chromium to report the freshly revealed button stable.
  await card(page)
    .getByRole("button", { name: "Email me a code to confirm turning two-factor authentication off" })
    .focus();
  await page.keyboard.press("Enter");
  await expect(card(page).getByText(/We sent a code by email/)).toBeVisible();
});

test("Duo's row, when the organisation allows it", async ({ page, context, db, createUser, signInAs }) => {
  const user = await createUser({ totp: true });
  await db
    .update(organisations)
    .set({
      allowDuo: true,
      duoIntegrationKey: "DIXXXXXXXXXXXXXXXXXX",
      duoSecretKeyEncrypted: encryptSecret("x".repeat(40), duoSecretKeyBinding(user.organisationId), keyRing()),
      duoApiHostname: "api-12345678.duosecurity.com",
    })
    .where(eq(organisations.id, user.organisationId));
  await signInAs(context, user);
  await page.goto("/profile");
  const duo = row(page, "Duo");
  await expect(duo.getByText("Not set up", { exact: true })).toBeVisible();
  await expect(duo.getByRole("button", { name: "Set up Duo" })).toBeVisible();
  await checkAtBothSizes(page, "duo-allowed");
});

test("a mobile number typed the national way, with its country, is stored and shown internationally", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const mobileCard = page.getByRole("region", { name: "Mobile number" });
  await mobileCard.getByRole("button", { name: "Add a mobile number" }).click();
  const international = uniqueMobileNumber();
  const national = `0${international.slice(3, 7)} ${international.slice(7)}`;

  // The same digits are no number at all in the United States.
  await mobileCard.getByLabel("Country").selectOption("US");
  await mobileCard.getByLabel("Mobile number").fill(national);
  await mobileCard.getByLabel("Current password").fill(user.password);
  await mobileCard.getByRole("button", { name: "Save mobile number" }).click();
  await expect(mobileCard.getByText(/as you dial it in the country chosen/).last()).toBeVisible();
  await expect(mobileCard.getByLabel("Mobile number")).toHaveValue(national);
  await expect(mobileCard.getByLabel("Country")).toHaveValue("US");
  await checkAtBothSizes(page, "mobile-refused");

  await mobileCard.getByLabel("Country").selectOption({ label: "United Kingdom (+44)" });
  await mobileCard.getByLabel("Current password").fill(user.password);
  await mobileCard.getByRole("button", { name: "Save mobile number" }).click();
  await expect.poll(() => textMessagesTo(international)).toHaveLength(1);
  const [sms] = await textMessagesTo(international);
  await mobileCard.getByLabel("Code").fill(codeIn(sms!));
  await mobileCard.getByRole("button", { name: "Verify number" }).click();
  await expect(mobileCard.getByText(`•••• ${international.slice(-4)} is verified.`)).toBeVisible();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.mobileNumber).toBe(international);
  await page.reload();
  await expect(
    mobileCard.getByText(`+44 ${international.slice(3, 7)} ${international.slice(7)}`, { exact: true }),
  ).toBeVisible();
  noServerErrors();
});
