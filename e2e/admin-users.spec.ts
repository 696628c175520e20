import type { Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { apiTokens, auditEvents, roles, userRoles, users, type Permission } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import { createInvitation } from "@/lib/invitations/invitations";
import { confirmInDialog, expect, expectNoAxeViolations, submitAndWait, test, uniqueEmail } from "./fixtures";

const ADMIN: Permission[] = ["users:read", "users:manage", "audit:read"];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** Nothing on the page is wider than the window: no sideways scrolling of the page itself. */
async function expectNoPageOverflow(page: Page) {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
  }));
  expect(widths.page).toBeLessThanOrEqual(widths.window);
}

test.describe("the users list", () => {
  test("tells the automatic email fallback from factors people really set up", async ({
    page,
    context,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const organisationId = admin.organisationId;
    const tag = `fb${Date.now().toString(36)}`;
    // Required, nothing set up: sign-in codes come by email anyway, which is not an enrolment.
    await createUser({ organisationId, name: `${tag} Fallback`, columns: { twoFactorRequirement: "required" } });
    await createUser({ organisationId, name: `${tag} App`, totp: true });
    await createUser({ organisationId, name: `${tag} Codes`, columns: { codesEnabledAt: new Date() } });
    await createUser({ organisationId, name: `${tag} Nothing` });
    await signInAs(context, admin);
    await page.goto(`/admin/users?q=${tag}`);

    const cell = (name: string) =>
      page
        .getByRole("row", { name: new RegExp(`${tag} ${name}`) })
        .getByRole("cell")
        // After the bulk actions' checkbox, the name and the email.
        .nth(3);
    await expect(cell("Fallback")).toHaveText("Email fallback only");
    await expect(cell("App")).toHaveText("On: Authenticator app");
    await expect(cell("Codes")).toHaveText("On: Code by text message or email");
    await expect(cell("Nothing")).toHaveText("Off");
    await expectNoAxeViolations(page);
  });

  test("“Last sign-in” shows which way it sorts, and its link says what a click does", async ({
    page,
    context,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    await signInAs(context, admin);
    await page.goto("/admin/users");
    const header = page.getByRole("columnheader", { name: /Last sign-in/ });
    await expect(header).not.toHaveAttribute("aria-sort");

    await page.getByRole("link", { name: "Last sign-in: sort newest first" }).click();
    await expect(page).toHaveURL(/sort=lastSignIn&direction=desc/);
    await expect(header).toHaveAttribute("aria-sort", "descending");
    await expect(header).toContainText("▼");
    await expect(page.getByRole("columnheader", { name: /^Name/ })).not.toHaveAttribute("aria-sort");

    await page.getByRole("link", { name: "Last sign-in: sort oldest first" }).click();
    await expect(page).toHaveURL(/sort=lastSignIn(?!&direction)/);
    await expect(header).toHaveAttribute("aria-sort", "ascending");
    await expect(header).toContainText("▲");
    await expectNoAxeViolations(page);
  });

  test("on a phone the table scrolls in its own box and badges keep their shape", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }) => {
    await page.setViewportSize(PHONE);
    const admin = await createUser({ permissions: ADMIN });
    const tag = `ph${Date.now().toString(36)}`;
    const disabled = await createUser({ organisationId: admin.organisationId, name: `${tag} Disabled Person` });
    await db.update(users).set({ disabledAt: new Date(), isApiAccount: true }).where(eq(users.id, disabled.id));
    await signInAs(context, admin);
    await page.goto(`/admin/users?q=${tag}`);

    const table = page.getByRole("table");
    const box = (await table.locator("xpath=..").boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    for (const badge of ["Disabled", "API"]) {
      const shape = (await table.getByText(badge, { exact: true }).boundingBox())!;
      // One line of text, wider than tall: not squashed into a column of letters.
      expect(shape.height).toBeLessThan(24);
      expect(shape.width).toBeGreaterThan(shape.height);
    }
    await expectNoPageOverflow(page);
    await expectNoAxeViolations(page);
  });

  test("fits a 1280 px window with its tick boxes, without scrolling sideways; 1440 too; a phone scrolls it in its box", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }, testInfo) => {
    const admin = await createUser({ permissions: ADMIN, totp: true, name: "Alexandra Montgomery-Smith" });
    const organisationId = admin.organisationId;
    const tag = `wd${Date.now().toString(36)}`;
    // The widest cells a real list has: long names and addresses, two methods, a phishing-resistant requirement,
    // several roles, a date of last sign-in, and badges.
    const wide = await createUser({
      organisationId,
      name: `${tag} Maximiliana Featherstonehaugh-Cholmondeley`,
      totp: true,
      columns: {
        codesEnabledAt: new Date(),
        twoFactorRequirement: "required",
      },
    });
    await db
      .update(users)
      .set({
        email: `${tag}.maximiliana.featherstonehaugh-cholmondeley@engineering.example.com`,
        lastSignInAt: new Date(),
      })
      .where(eq(users.id, wide.id));
    for (const name of ["Finance approvers", "Support escalations", "Security reviewers"]) {
      const role = (
        await db
          .insert(roles)
          .values({ organisationId, name: `${tag} ${name}` })
          .returning()
      )[0]!;
      await db.insert(userRoles).values({ userId: wide.id, roleId: role.id });
    }
    const dora = await createUser({ organisationId, name: `${tag} Dora Disabled` });
    await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, dora.id));
    await createUser({ organisationId, name: `${tag} Ivan`, columns: { twoFactorRequirement: "required" } });
    await signInAs(context, admin);

    const table = page.getByRole("table", { name: /Users, sorted by/ });
    const scroller = table.locator("xpath=..");
    const sideways = () => scroller.evaluate((box) => ({ content: box.scrollWidth, visible: box.clientWidth }));
    for (const size of [
      { width: 1280, height: 800 },
      { width: 1440, height: 900 },
    ]) {
      await test.step(`${size.width}×${size.height}: every column in view, nothing to scroll`, async () => {
        await page.setViewportSize(size);
        await page.goto(`/admin/users?q=${tag}`);
        await expect(table.getByRole("checkbox", { name: /^Select / }).first()).toBeVisible();
        await page.screenshot({ path: testInfo.outputPath(`users-${size.width}.png`), fullPage: true });
        const { content, visible } = await sideways();
        expect(content, `the table is ${content - visible} px wider than its box`).toBeLessThanOrEqual(visible);
        await expect(table.getByRole("columnheader", { name: /Last sign-in/ })).toBeInViewport();
        await expectNoPageOverflow(page);
        await expectNoAxeViolations(page);
      });
    }
    await test.step("a phone: the page fits, the table scrolls inside its own box", async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`/admin/users?q=${tag}`);
      await expectNoPageOverflow(page);
      const box = (await scroller.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await expectNoAxeViolations(page);
      await page.screenshot({ path: testInfo.outputPath("users-phone.png"), fullPage: true });
    });
  });
});

test.describe("a user's admin page", () => {
  test("after a reset, “Two-factor authentication enabled” is unticked, as its hint says", async ({
    page,
    context,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const user = await createUser({ organisationId: admin.organisationId, totp: true, name: "Rosa Reset" });
    await signInAs(context, admin);
    await page.goto(`/admin/users/${user.id}`);
    const enabled = page.getByLabel("Two-factor authentication enabled");
    await expect(enabled).toBeChecked();

    await page.getByRole("button", { name: "Reset two-factor authentication" }).click();
    await page.getByRole("dialog").getByLabel("Reason").fill("Lost her phone; confirmed by a call to her desk.");
    await confirmInDialog(page, "Reset");
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Two-factor authentication was reset and the user was signed out everywhere." }),
    ).toBeVisible();
    await expect(enabled).not.toBeChecked();
    await expect(enabled).toBeDisabled();
    await expect(page.getByText("The user has not set up a second factor. Only they can turn it on.")).toBeVisible();
  });

  test("“Saved.” appears beside Save, inside the window", async ({ page, context, createUser, signInAs }) => {
    await page.setViewportSize(DESKTOP);
    const admin = await createUser({ permissions: ADMIN });
    const user = await createUser({ organisationId: admin.organisationId });
    await signInAs(context, admin);
    await page.goto(`/admin/users/${user.id}`);
    await page.getByRole("radio", { name: "Required" }).check();
    const save = page.getByRole("button", { name: "Save", exact: true });
    await save.scrollIntoViewIfNeeded();
    await submitAndWait(page, save);
    const saved = page.getByRole("status").filter({ hasText: "Saved." });
    await expect(saved).toBeVisible();
    await expect(saved).toBeInViewport();
    await expect(save).toBeInViewport();
    await expect(page.getByRole("radio", { name: "Required" })).toBeChecked();
  });

  test("a double click on “Disable account” after disabling cannot enable it again", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const user = await createUser({ organisationId: admin.organisationId, name: "Dora Double" });
    const disabledAt = async () =>
      (await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, user.id)))[0]!.disabledAt;
    await signInAs(context, admin);
    await page.goto(`/admin/users/${user.id}`);

    const button = page.getByRole("button", { name: "Disable account" });
    await button.click();
    await confirmInDialog(page, "Disable");
    await expect(page.getByRole("status").filter({ hasText: "The account is disabled and signed out." })).toBeVisible();
    // The same spot now holds "Enable account": clicking it twice, as a hurried double click would, only asks.
    const enable = page.getByRole("button", { name: "Enable account" });
    await enable.dblclick();
    await expect(page.getByRole("dialog", { name: "Enable Dora Double’s account?" })).toBeVisible();
    await page.keyboard.press("Escape");
    expect(await disabledAt()).not.toBeNull();
    await page.reload();
    await expect(page.getByRole("button", { name: "Enable account" })).toBeVisible();
    expect(await disabledAt()).not.toBeNull();
  });

  test("is laid out in sections, links to the user's events, and offers only what applies", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const member = await createUser({ organisationId: admin.organisationId, totp: true });
    await signInAs(context, admin);

    await test.step("someone who set up an authenticator", async () => {
      await page.goto(`/admin/users/${member.id}`);
      for (const section of ["Details", "Access", "Two-factor", "Sessions", "Recent events", "Danger zone"]) {
        await expect(page.getByRole("heading", { level: 2, name: section, exact: true })).toBeVisible();
      }
      const factors = page.getByRole("region", { name: "Factors" });
      await expect(factors.getByRole("rowheader", { name: "Authenticator app" })).toBeVisible();
      await expect(page.getByRole("link", { name: "View this user’s events" })).toHaveAttribute(
        "href",
        `/admin/audit?userId=${member.id}`,
      );
      await expect(page.getByRole("region", { name: "API tokens" })).toHaveCount(0);
      await expect(page.getByRole("region", { name: "Danger zone" })).toContainText("Reset two-factor authentication");
    });

    await test.step("someone invited who has not joined: nothing to reset, no reset link", async () => {
      const invited = await createInvitation(db, {
        organisationId: admin.organisationId,
        invitedByUserId: admin.id,
        email: uniqueEmail("invitee"),
        roleIds: [],
        groupIds: [],
      });
      if (!invited.ok) throw new Error(invited.reason);
      await page.goto(`/admin/users/${invited.userId}`);
      await expect(page.getByRole("region", { name: "Invitation" })).toBeVisible();
      await expect(page.getByRole("region", { name: "Details" })).toContainText("Invited");
      await expect(page.getByRole("button", { name: "Reset two-factor authentication" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Send password reset link" })).toHaveCount(0);
      await expect(page.getByRole("button", { name: "Disable account" })).toBeVisible();
    });
  });
});

test.describe("API accounts", () => {
  test("“New API account” makes a service account directly, with no email, and lands on its page to make a token", async ({
    page,
    context,
    db,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const reader = (
      await db
        .insert(roles)
        .values({ organisationId: admin.organisationId, name: `Reader ${Date.now()}`, permissions: ["users:read"] })
        .returning()
    )[0]!;
    const strongest = (
      await db
        .insert(roles)
        .values({
          organisationId: admin.organisationId,
          name: `Owner ${Date.now()}`,
          permissions: ["users:read", "users:manage", "settings:manage"],
        })
        .returning()
    )[0]!;
    await signInAs(context, admin);
    await page.goto("/admin/users");
    await page.getByRole("button", { name: "New API account" }).click();
    const form = page.getByRole("form", { name: "New API account" });
    // Nobody gives more than they hold: a role beyond the admin's permissions cannot be ticked.
    await expect(form.getByRole("checkbox", { name: strongest.name })).toBeDisabled();
    await form.getByRole("button", { name: "Create API account" }).click();
    await expect(form.getByText("Enter a name, such as the program that will use this account.")).toBeVisible();
    await form.getByLabel("Name").fill("Billing sync");
    await form.getByRole("checkbox", { name: reader.name }).check();
    await form.getByRole("button", { name: "Create API account" }).click();

    await expect(page).toHaveURL(/\/admin\/users\/\d+\?created=api-account#api-tokens$/);
    const id = Number(/\/admin\/users\/(\d+)/.exec(page.url())![1]);
    const account = (await db.select().from(users).where(eq(users.id, id)))[0]!;
    expect(account).toMatchObject({
      organisationId: admin.organisationId,
      name: "Billing sync",
      isApiAccount: true,
      passwordHash: null,
    });
    expect(account.email).toMatch(/^billing-sync\.[0-9a-f]{8}@api-accounts\.invalid$/);
    const created = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "api_account.created"), eq(auditEvents.targetUserId, id)));
    expect(created).toHaveLength(1);
    expect(created[0]!.actorUserId).toBe(admin.id);
    await expect(page.getByText("API account created.")).toBeVisible();
    // No invitation and no Two-factor or Sessions sections: it never signs in here.
    await expect(page.getByRole("region", { name: "Invitation" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Sessions", exact: true })).toHaveCount(0);
    await expect(page.getByRole("region", { name: "API tokens" }).getByLabel("Token name")).toBeVisible();
    await expectNoAxeViolations(page);
  });

  test("a token's expiry is chosen, listed, and once passed the API refuses it like a revoked one", async ({
    page,
    context,
    db,
    request,
    createUser,
    signInAs,
  }) => {
    const admin = await createUser({ permissions: ADMIN });
    const robot = await createUser({ organisationId: admin.organisationId, name: "Expiring robot" });
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));
    await signInAs(context, admin);
    await page.goto(`/admin/users/${robot.id}`);
    const section = page.getByRole("region", { name: "API tokens" });

    await section.getByLabel("Token name").fill("Monthly report");
    await section.getByLabel("Expires").selectOption("On a date…");
    await section.getByLabel("Expiry date").fill("2020-01-01");
    await submitAndWait(page, section.getByRole("button", { name: "Create token" }));
    await expect(section.getByText("Choose a date after today.")).toBeVisible();
    await expect(section.getByLabel("Token name")).toHaveValue("Monthly report");

    await section.getByLabel("Expires").selectOption("In 30 days");
    await submitAndWait(page, section.getByRole("button", { name: "Create token" }));
    const token = await section.getByLabel("New API token").inputValue();
    const stored = (await db.select().from(apiTokens).where(eq(apiTokens.name, "Monthly report")))[0]!;
    const days = (stored.expiresAt!.getTime() - stored.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const row = section.getByRole("row", { name: /Monthly report/ });
    await expect(row.locator(`time[datetime="${stored.expiresAt!.toISOString()}"]`)).toBeVisible();
    expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);

    // A month later, as far as the token knows.
    await db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, stored.id));
    const refused = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status()).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_token");
    await page.reload();
    await expect(section.getByRole("row", { name: /Monthly report/ })).toContainText("Expired");

    // One made without a choice of date never expires.
    const forever = await createApiToken(db, { userId: robot.id, name: "Forever", createdByUserId: null });
    expect((await request.get("/api/v1/me", { headers: { authorization: `Bearer ${forever.token}` } })).status()).toBe(
      200,
    );
    await page.reload();
    await expect(
      section
        .getByRole("row", { name: /Forever/ })
        .getByRole("cell")
        .nth(4),
    ).toHaveText("Never");
    await expectNoAxeViolations(page);
  });
});

test("each state of a user's page and the list passes axe and fits a phone", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  // Ten pages, each checked by axe.
  test.setTimeout(240_000);
  const admin = await createUser({ permissions: ADMIN });
  const organisationId = admin.organisationId;
  const withFactors = await createUser({ organisationId, totp: true, name: "Fay Factors" });
  const locked = await createUser({ organisationId, totp: true, name: "Lou Locked" });
  await db
    .update(users)
    .set({ secondFactorLockedAt: new Date(), secondFactorConsecutiveFailures: 10 })
    .where(eq(users.id, locked.id));
  const robot = await createUser({ organisationId, name: "Robbie Robot" });
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));
  await createApiToken(db, {
    userId: robot.id,
    name: "Deploy",
    createdByUserId: null,
    expiresAt: new Date(Date.now() + 864e5),
  });
  const invited = await createInvitation(db, {
    organisationId,
    invitedByUserId: admin.id,
    email: uniqueEmail("axe-invitee"),
    roleIds: [],
    groupIds: [],
  });
  if (!invited.ok) throw new Error(invited.reason);
  await signInAs(context, admin);
  const paths = [
    "/admin/users",
    `/admin/users/${withFactors.id}`,
    `/admin/users/${locked.id}`,
    `/admin/users/${robot.id}`,
    `/admin/users/${invited.userId}`,
  ];
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    for (const path of paths) {
      await test.step(`${path} at ${size.width}×${size.height}`, async () => {
        await page.goto(path);
        await expectNoAxeViolations(page);
        if (size === PHONE) {
          const main = (await page.locator("main").boundingBox())!;
          expect(main.x + main.width).toBeLessThanOrEqual(PHONE.width);
        }
      });
    }
  }
});
