import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

async function expectNoAxeViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(", ")}`)).toEqual([]);
}

test("signed-out pages pass axe", async ({ page }) => {
  await page.goto("/login");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Sign in" }).click();
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
  await expect(page.getByRole("status").first()).toContainText("Settings saved");
  await expectNoAxeViolations(page);
});

test("the 403 page passes axe", async ({ page, context, createUser, signInAs }) => {
  await signInAs(context, await createUser());
  await page.goto("/admin/settings");
  await expectNoAxeViolations(page);
});
