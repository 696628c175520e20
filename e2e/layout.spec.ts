import { eq } from "drizzle-orm";
import { organisations } from "@/db/schema";
import { expect, expectNoAxeViolations, freshTotpCode, test } from "./fixtures";
import { VIEWPORTS, walkEveryPage } from "./layout-pages";

test("every page fits a phone's width and passes axe at 1280x800 and 390x844", async ({
  browser,
  baseURL,
  clientIp,
  db,
  createUser,
}) => {
  test.setTimeout(480_000);
  const admin = await createUser({
    permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
    totp: true,
    // A long name must not push the header wider than a phone.
    name: "Administrator With A Rather Long Name For A Phone",
  });
  const colleague = await createUser({ organisationId: admin.organisationId, totp: true });
  const member = await createUser({ organisationId: admin.organisationId });
  const needsSetup = await createUser({ columns: { twoFactorRequirement: "required" } });
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, needsSetup.organisationId));

  await walkEveryPage({
    browser,
    contextOptions: { baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } },
    db,
    admin: {
      ...admin,
      async passSecondStep(page) {
        await page.getByLabel("Code").fill(await freshTotpCode(db, admin, admin.totpSecret!));
        await page.getByRole("button", { name: "Verify" }).click();
      },
    },
    member,
    needsSetup,
    colleagueId: colleague.id,
    async visit(page, name) {
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect.soft(width, `${name} at ${viewport.width} px is ${width} px wide`).toBeLessThanOrEqual(viewport.width);
        await test.step(`${name} at ${viewport.name}: axe`, () => expectNoAxeViolations(page));
      }
    },
  });
});

test("the navigation marks the current section, and Tab from the top reaches it with a visible focus ring", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const colleague = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    // A user's own page belongs to "Users".
    await page.goto(`/admin/users/${colleague.id}`);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "Users" })).toHaveAttribute("aria-current", "page");
    await expect(nav.getByRole("link", { name: "Dashboard" })).not.toHaveAttribute("aria-current");
    await expect(nav.getByRole("link", { name: "Users" })).toBeInViewport();
    // The signed-in person stays visible on a phone too.
    await expect(page.getByRole("banner").getByText(admin.name, { exact: true })).toBeVisible();

    // Marked by more than colour: the current item has a bar under it, the others none.
    const barWidth = (name: string) =>
      nav.getByRole("link", { name }).evaluate((link) => getComputedStyle(link).borderBottomWidth);
    expect(await barWidth("Users")).toBe("2px");
    expect(await barWidth("Dashboard")).toBe("2px");
    const barColour = (name: string) =>
      nav.getByRole("link", { name }).evaluate((link) => getComputedStyle(link).borderBottomColor);
    expect(await barColour("Dashboard")).toBe("rgba(0, 0, 0, 0)");
    expect(await barColour("Users")).not.toBe("rgba(0, 0, 0, 0)");

    for (let presses = 0; presses < 6; presses++) {
      await page.keyboard.press("Tab");
      const inNav = await page.evaluate(() => Boolean(document.activeElement?.closest('nav[aria-label="Main"]')));
      if (inNav) break;
    }
    const focused = page.locator(":focus");
    await expect(focused).toHaveText("Dashboard");
    const ring = await focused.evaluate((element) => {
      const style = getComputedStyle(element);
      return { outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow };
    });
    expect(ring.outline !== "none" && ring.width !== "0px" ? "outline" : ring.shadow).not.toBe("none");
  }
});

test("/favicon.ico and the app icon are served", async ({ request }) => {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toContain("image/");
  const icon = await request.get("/icon.svg");
  expect(icon.status()).toBe(200);
});

test("the dashboard's two-factor status dot stays round on a phone", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  await signInAs(context, await createUser());
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  const dot = page.getByRole("region", { name: "Two-factor authentication" }).locator("span.rounded-full");
  const box = (await dot.boundingBox())!;
  expect(box.width).toBe(box.height);
});
