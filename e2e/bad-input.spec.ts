import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { expect, failOnServerErrors, signInWithForm, submitAndWait, test } from "./fixtures";

const HUGE = "x".repeat(10_000);
const SQL = "'; DROP TABLE users; --";

test("the sign-in form answers bad input with clear messages", async ({ page, db }) => {
  const noServerErrors = failOnServerErrors(page);

  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
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
  expect((await db.select().from(users)).length).toBeGreaterThan(0);
  noServerErrors();
});

test("the profile forms refuse bad names and numbers, and keep unicode and SQL-looking text literally", async ({
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
  const name = page.getByLabel("Name", { exact: true });
  const save = page.getByRole("button", { name: "Save details" });

  await name.fill("");
  await save.click();
  await expect(page.getByText("Enter your name.")).toBeVisible();

  await name.fill(HUGE);
  await save.click();
  await expect(page.getByText("Use at most 100 characters.")).toBeVisible();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.name).toBe(user.name);

  await name.fill(`Zoë 王 ${SQL}`);
  await save.click();
  await expect(page.getByText("Your details were saved.")).toBeVisible();
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.name).toBe(`Zoë 王 ${SQL}`);

  const mobileCard = page.getByRole("region", { name: "Mobile number" });
  await mobileCard.getByRole("button", { name: "Add a mobile number" }).click();
  const mobile = mobileCard.getByLabel("Mobile number");
  // The national way, these digits are a British mobile number; in the United States they are no number at all.
  await mobileCard.getByLabel("Country").selectOption("US");
  for (const bad of ["call me maybe", "07911 123456", "+44 20 7946 0000", HUGE]) {
    await mobile.fill(bad);
    await mobileCard.getByLabel("Current password").fill(user.password);
    const saveMobile = mobileCard.getByRole("button", { name: "Save mobile number" });
    await submitAndWait(page, saveMobile);
    // The response is in before React has committed it and reset the form: wait for the
    // button to leave "Sending…", or the next fill can be undone by this submission's reset.
    await expect(mobileCard.getByRole("button", { name: "Sending…" })).toHaveCount(0);
    await expect(mobileCard.getByText(/international format|not a mobile number/).last()).toBeVisible();
    await expect(mobile).toHaveValue(bad === HUGE ? HUGE : bad);
  }
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.mobileNumber).toBeNull();
  noServerErrors();
});

test("the password form refuses bad input without changing the password", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
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

test("the session duration refuses what is not a sensible number of days", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
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
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionDurationDays,
  ).toBe(90);
  noServerErrors();
});
