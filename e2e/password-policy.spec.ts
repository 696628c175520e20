import { eq } from "drizzle-orm";
import { users } from "@/db/schema";
import { createEmailLink } from "@/lib/email-links";
import { expect, expectNoAxeViolations, failOnServerErrors, submitAndWait, test, uniqueEmail } from "./fixtures";

const COMMON =
  "This password is one of the most common passwords, so it would be guessed quickly. Choose another: a few unrelated words make a strong one.";
const PERSONAL = "Don't use your email address, your name or your organisation's name in your password.";

test("a common password and the user's own email address are refused as a new password on /profile, with the reason; the meter reads the strength", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  // /profile is a long page for axe, checked twice here.
  test.slow();
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInAs(context, user);
  await page.goto("/profile");
  const newPassword = page.getByLabel("New password", { exact: true });
  const change = page.getByRole("button", { name: "Change password" });

  for (const [password, reason] of [
    ["password1234", COMMON],
    [user.email, PERSONAL],
  ] as const) {
    await page.getByLabel("Current password").fill(user.password);
    await newPassword.fill(password);
    await page.getByLabel("Confirm new password").fill(password);
    await expect(page.locator("#newPassword-strength")).toHaveText(/^Strength: (very weak|weak|fair|good|strong)$/);
    if (password === "password1234") await expectNoAxeViolations(page);
    await submitAndWait(page, change);
    await expect(newPassword).toHaveAccessibleDescription(new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  }
  await expectNoAxeViolations(page);
  await newPassword.fill("lantern quietly orbits the marmalade");
  await expect(page.locator("#newPassword-strength")).toHaveText(/^Strength: (good|strong)$/);
  await newPassword.fill("short");
  await expect(page.locator("#newPassword-strength")).toHaveText("Strength: too short");
  expect((await db.select().from(users).where(eq(users.id, user.id)))[0]!.passwordChangedAt).toBeNull();
  noServerErrors();
});

test("an invitee cannot choose a common password or their own email address", async ({ page, db, createUser }) => {
  const noServerErrors = failOnServerErrors(page);
  const colleague = await createUser();
  const email = uniqueEmail("invitee");
  const invitee = (
    await db
      .insert(users)
      .values({ organisationId: colleague.organisationId, email, name: email, passwordHash: null })
      .returning()
  )[0]!;
  const created = await createEmailLink(db, {
    purpose: "invitation",
    userId: invitee.id,
    organisationId: colleague.organisationId,
    lifetimeMs: 60 * 60 * 1000,
  });
  if (!created.ok) throw new Error("no invitation link");
  await page.goto(`/invite/${created.token}`);

  const newPassword = page.getByLabel("New password", { exact: true });
  for (const [password, reason] of [
    ["password1234", COMMON],
    [email, PERSONAL],
  ] as const) {
    await page.getByLabel("Your name", { exact: true }).fill("Ines Invitee");
    await newPassword.fill(password);
    await page.getByLabel("Confirm new password", { exact: true }).fill(password);
    await expect(page.locator("#newPassword-strength")).toHaveText(/^Strength: /);
    await submitAndWait(page, page.getByRole("button", { name: "Accept invitation" }));
    await expect(newPassword).toHaveAccessibleDescription(new RegExp(reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expectNoAxeViolations(page);
  }
  expect((await db.select().from(users).where(eq(users.id, invitee.id)))[0]!.passwordHash).toBeNull();
  noServerErrors();
});
