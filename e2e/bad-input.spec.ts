import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { expect, failOnServerErrors, signInWithForm, test } from "./fixtures";

const HUGE = "x".repeat(10_000);
const SQL = "'; DROP TABLE users; --";

test("the sign-in form answers bad input with clear messages", async ({ page, db }) => {
  const noServerErrors = failOnServerErrors(page);

  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  const cases: Array<[string, string, string]> = [
    ["not-an-email", "password", "Enter a valid email address, like name@example.com."],
    ["ünïcödé@例え.テスト", "pässwörd", "Enter a valid email address, like name@example.com."],
    [`${HUGE}@example.com`, "password", "That email address is too long."],
    ["someone@example.com", HUGE, "Passwords are at most 128 characters."],
    [`${SQL}@example.com`, "password", "Enter a valid email address, like name@example.com."],
    ["someone@example.com", "' OR '1'='1", "Incorrect email or password."],
  ];
  for (const [email, password, message] of cases) {
    await signInWithForm(page, { email, password });
    await expect(page.getByText(message)).toBeVisible();
    await expect(page).toHaveURL("/login");
  }
  // The SQL-looking input was only ever data: the table is intact.
  expect(db.select().from(users).all().length).toBeGreaterThan(0);
  noServerErrors();
});

test("the profile form refuses bad names and numbers, and keeps unicode and SQL-looking text literally", async ({ page, context, db, createUser, signInAs }) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const name = page.getByLabel("Name", { exact: true });
  const mobile = page.getByLabel("Mobile number");
  const save = page.getByRole("button", { name: "Save details" });

  await name.fill("");
  await save.click();
  await expect(page.getByText("Enter your name.")).toBeVisible();

  await name.fill(HUGE);
  await save.click();
  await expect(page.getByText("Use at most 100 characters.")).toBeVisible();

  await name.fill("Zoë");
  await mobile.fill("call me maybe");
  await save.click();
  await expect(page.getByText("Enter a mobile number in international format, like +44 7911 123456.")).toBeVisible();
  await expect(mobile).toHaveValue("call me maybe");
  expect(db.select().from(users).where(eq(users.id, user.id)).get()!.name).toBe(user.name);

  await name.fill(`Zoë 王 ${SQL}`);
  await mobile.fill("+44 7911 123456");
  await save.click();
  await expect(page.getByText("Your details were saved.")).toBeVisible();
  const saved = db.select().from(users).where(eq(users.id, user.id)).get()!;
  expect(saved).toMatchObject({ name: `Zoë 王 ${SQL}`, mobileNumber: "+447911123456", mobileVerifiedAt: null });
  noServerErrors();
});

test("the password form refuses bad input without changing the password", async ({ page, context, createUser, signInAs }) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const change = page.getByRole("button", { name: "Change password" });

  await change.click();
  await expect(page.getByText("Enter your current password.")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill(HUGE);
  await page.getByLabel("Confirm new password").fill(HUGE);
  await change.click();
  await expect(page.getByText("Use at most 128 characters.")).toBeVisible();

  await page.getByLabel("Current password").fill(user.password);
  await page.getByLabel("New password", { exact: true }).fill("a long new passphrase");
  await page.getByLabel("Confirm new password").fill("a different passphrase");
  await change.click();
  await expect(page.getByText("The two new passwords do not match.")).toBeVisible();

  await page.getByLabel("Current password").fill(HUGE);
  await page.getByLabel("New password", { exact: true }).fill("a long new passphrase");
  await page.getByLabel("Confirm new password").fill("a long new passphrase");
  await change.click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  noServerErrors();
});

test("the session duration refuses what is not a sensible number of days", async ({ page, context, db, createUser, signInAs }) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  const field = page.getByLabel("Session duration (days)");
  const save = page.getByRole("button", { name: "Save", exact: true });
  for (const [value, message] of [
    ["0", "Sessions last at least 1 day."],
    ["100000", "Sessions last at most 365 days."],
    ["1.5", "Enter a whole number of days."],
  ] as const) {
    await field.fill(value);
    await save.click();
    await expect(page.getByText(message)).toBeVisible();
  }
  expect(db.select().from(organisations).where(eq(organisations.id, admin.organisationId)).get()!.sessionDurationDays).toBe(90);
  noServerErrors();
});
