import { eq } from "drizzle-orm";
import { organisations } from "@/db/schema";
import { confirmInDialog, expect, submitAndWait, test } from "./fixtures";
import { VIEWPORTS } from "./layout-pages";

for (const viewport of VIEWPORTS) {
  test(`after Save at the bottom of the settings, the answer is on screen at ${viewport.width}x${viewport.height}`, async ({
    page,
    context,
    createUser,
    signInAs,
  }) => {
    await page.setViewportSize(viewport);
    await signInAs(context, await createUser({ permissions: ["settings:manage"] }));
    await page.goto("/admin/settings");
    const policy = page.getByRole("region", { name: "Sign-in policy" });
    await submitAndWait(page, policy.getByRole("button", { name: "Save", exact: true }));
    // The form's own live region (Duo's "Test connection" has another).
    const saved = policy.getByRole("status").getByText(/Settings saved/);
    await expect(saved).toBeVisible();
    await expect(saved).toBeInViewport({ ratio: 1 });

    // The same for the forms below it, and for a refusal.
    const protection = page.getByRole("region", { name: "Sign-in protection" });
    await protection.getByLabel("Wrong codes per user").fill("0");
    await submitAndWait(page, protection.getByRole("button", { name: "Save sign-in protection" }));
    await expect(protection.getByRole("status")).toHaveText("Please correct the highlighted field.");
    await expect(protection.getByRole("status").getByText(/highlighted/)).toBeInViewport({ ratio: 1 });
  });
}

test("a refused settings save shows what was submitted, not the saved settings it contradicts", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  await db
    .update(organisations)
    .set({ twoFactorPolicy: "optional", allowTotp: true, allowCode: true, twoFactorGraceDays: 0 })
    .where(eq(organisations.id, admin.organisationId));
  await signInAs(context, admin);
  await page.goto("/admin/settings");
  const policy = page.getByRole("region", { name: "Sign-in policy" });
  await policy.getByLabel("Required", { exact: true }).check();
  await policy.getByLabel("Authenticator app (TOTP)").uncheck();
  await policy.getByLabel("SMS or email code").uncheck();
  await policy.getByLabel("Passkeys and security keys").uncheck();
  await policy.getByLabel("Grace period (days)").fill("5");
  await policy.getByLabel("On screen, right after the password").check();
  await policy.getByLabel("Allow it and flag it in the audit log").check();
  await policy.getByLabel("Session duration (days)").fill("3");
  await submitAndWait(page, policy.getByRole("button", { name: "Save", exact: true }));

  await expect(
    policy.getByText("Allow at least one method, or set two-factor authentication to Disabled."),
  ).toBeVisible();
  // One field is wrong, and the summary says so.
  await expect(policy.getByRole("status").last()).toHaveText("Please correct the highlighted field.");
  await expect(policy.getByLabel("Authenticator app (TOTP)")).not.toBeChecked();
  await expect(policy.getByLabel("SMS or email code")).not.toBeChecked();
  await expect(policy.getByRole("checkbox", { name: "Duo", exact: true })).not.toBeChecked();
  await expect(policy.getByLabel("Required", { exact: true })).toBeChecked();
  await expect(policy.getByLabel("On screen, right after the password")).toBeChecked();
  await expect(policy.getByLabel("Allow it and flag it in the audit log")).toBeChecked();
  await expect(policy.getByLabel("Grace period (days)")).toHaveValue("5");
  await expect(policy.getByLabel("Session duration (days)")).toHaveValue("3");

  // Nothing was saved: a reload shows the stored settings again.
  await page.reload();
  await expect(policy.getByLabel("Authenticator app (TOTP)")).toBeChecked();
  await expect(policy.getByLabel("Optional", { exact: true })).toBeChecked();

  // The other forms on the page keep what was typed too.
  const protection = page.getByRole("region", { name: "Sign-in protection" });
  await protection.getByLabel("Wrong codes per user").fill("7");
  await protection.getByLabel("Failure window (minutes)").fill("-1");
  await submitAndWait(page, protection.getByRole("button", { name: "Save sign-in protection" }));
  await expect(protection.getByRole("status")).toHaveText("Please correct the highlighted field.");
  await expect(protection.getByLabel("Wrong codes per user")).toHaveValue("7");
  await expect(protection.getByLabel("Failure window (minutes)")).toHaveValue("-1");

  const retention = page.getByRole("region", { name: "Audit log" });
  await retention.getByLabel("Keep audit events for (days)").fill("5");
  await submitAndWait(page, retention.getByRole("button", { name: "Save audit log setting" }));
  await expect(retention.getByRole("status")).toHaveText("Please correct the highlighted field.");
  await expect(retention.getByLabel("Keep audit events for (days)")).toHaveValue("5");
});

test("an answer appearing below one button does not move the buttons beside it", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  await signInAs(context, admin);
  for (const viewport of VIEWPORTS) {
    const colleague = await createUser({ organisationId: admin.organisationId });
    await page.setViewportSize(viewport);
    await page.goto(`/admin/users/${colleague.id}`);
    const card = page.getByRole("region", { name: "Danger zone" });
    const neighbour = card.getByRole("button", { name: "Reset two-factor authentication" });
    // One button, whose label turns to "Enable account" once the answer comes.
    const trigger = card.getByRole("button", { name: /^(Disable|Enable) account$/ });
    // Sideways only: the rows stack, so the answer opening below its own button may push the next row down,
    // never aside. (The answering button itself may change width: "Disable" becomes "Enable".)
    const place = async () => {
      const mine = (await neighbour.boundingBox())!;
      return { x: mine.x, width: mine.width };
    };
    const before = await place();
    await trigger.click();
    await confirmInDialog(page, "Disable");
    await expect(card.getByRole("status").filter({ hasText: /\S/ })).toBeVisible();
    expect(await place()).toEqual(before);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
  }
});
