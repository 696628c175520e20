import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { auditEvents, groups, type Permission } from "@/db/schema";
import type { Db } from "@/db";
import { expect, expectNoAxeViolations, failOnServerErrors, test, type TestUser } from "./fixtures";
import { expectContentFits } from "./content-fits";

/*
 * The audit log as an investigator uses it: areas and types as chips, partial
 * names and addresses, one person's events, dates that make sense, and rows
 * that say what changed, by name, in a table that fits the screen.
 */

const ALL: Permission[] = ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"];

type Event = {
  type: string;
  actor?: TestUser;
  target?: TestUser;
  details?: Record<string, string | number | boolean | null>;
};

async function record(db: Db, organisationId: number, event: Event) {
  await db.insert(auditEvents).values({
    organisationId,
    type: event.type,
    actorUserId: event.actor?.id ?? null,
    targetUserId: event.target?.id ?? null,
    details: event.details ?? null,
    ip: "203.0.113.7",
  });
}

const eventRows = (page: Page) => page.getByRole("region", { name: "Audit events" }).getByRole("row");

async function filter(page: Page) {
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
}

test("the audit log filters by area and type chips, part of a name or an address, and clears", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const ana = await createUser({ organisationId: admin.organisationId, name: "Ana Lima" });
  const bob = await createUser({ organisationId: admin.organisationId, name: "Bob Stone" });
  const org = admin.organisationId;
  await record(db, org, { type: "sign_in.failed", target: ana, details: { reason: "wrong_password" } });
  await record(db, org, { type: "sign_in.failed", target: bob, details: { reason: "wrong_password" } });
  await record(db, org, { type: "user.disabled", actor: admin, target: ana });
  await record(db, org, { type: "user.disabled", actor: admin, target: bob });
  await record(db, org, { type: "code.sent", target: ana });
  await signInAs(context, admin);
  await page.goto("/admin/audit");

  await test.step("an area chip keeps only that area, and stays pressed", async () => {
    await page.getByRole("checkbox", { name: "Users", exact: true }).check();
    await filter(page);
    await expect(page).toHaveURL(/area=users/);
    await expect(page.getByRole("checkbox", { name: "Users", exact: true })).toBeChecked();
    await expect(eventRows(page)).toHaveCount(1 + 2);
    await expect(eventRows(page).filter({ hasText: "User disabled" })).toHaveCount(2);
    // The label first, the stored name beside it.
    await expect(eventRows(page).nth(1)).toContainText("user.disabled");
  });

  await test.step("a type chip keeps that type, with the rest of the filter", async () => {
    await page.getByLabel("User", { exact: true }).fill("lima");
    await page.getByRole("checkbox", { name: "Sign-in", exact: true }).check();
    await filter(page);
    await page.getByRole("checkbox", { name: "Wrong password" }).check();
    await filter(page);
    await expect(page).toHaveURL(/type=sign_in.failed/);
    await expect(page.getByRole("checkbox", { name: "Wrong password" })).toBeChecked();
    // Users: whole area; Sign-in: only the chosen type; both for "lima" only.
    await expect(eventRows(page)).toHaveCount(1 + 2);
    await expect(eventRows(page).filter({ hasText: "Wrong password" })).toContainText(ana.email);
    await expect(eventRows(page).filter({ hasText: "User disabled" })).toContainText("Ana Lima");
    await expect(eventRows(page).filter({ hasText: bob.email })).toHaveCount(0);
  });

  await test.step("Clear filters empties every field and chip", async () => {
    await page.getByRole("link", { name: "Clear filters" }).click();
    await expect(page).toHaveURL("/admin/audit");
    await expect(page.getByLabel("User", { exact: true })).toHaveValue("");
    await expect(page.getByRole("checkbox", { name: "Users", exact: true })).not.toBeChecked();
    await expect(eventRows(page).filter({ hasText: bob.email })).toHaveCount(2);
  });

  await test.step("part of an address, part of a name (any case), and wildcards that mean themselves", async () => {
    const middleOfAnasAddress = ana.email.slice(4, 14);
    await page.getByLabel("User", { exact: true }).fill(middleOfAnasAddress);
    await filter(page);
    await expect(eventRows(page)).toHaveCount(1 + 3);
    await expect(eventRows(page).filter({ hasText: bob.email })).toHaveCount(0);

    await page.getByLabel("User", { exact: true }).fill("");
    await page.getByLabel("Actor", { exact: true }).fill("ADA ADM");
    await filter(page);
    await expect(eventRows(page)).toHaveCount(1 + 2);

    await page.getByLabel("Actor", { exact: true }).fill("%");
    await filter(page);
    await expect(page.getByText("No events match.")).toBeVisible();
    await page.goto("/admin/audit?user=_");
    await expect(page.getByText("No events match.")).toBeVisible();
  });
  noServerErrors();
});

test("one person's events: as actor or target, only of this organisation; a bad id or dates are messages", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL });
  const ana = await createUser({ organisationId: admin.organisationId, name: "Ana Lima" });
  const bob = await createUser({ organisationId: admin.organisationId, name: "Bob Stone" });
  const stranger = await createUser({ name: "Stranger Elsewhere" });
  const org = admin.organisationId;
  await record(db, org, { type: "password.changed", actor: ana, target: ana });
  await record(db, org, { type: "user.disabled", actor: admin, target: ana });
  await record(db, org, { type: "group.updated", actor: ana, target: bob });
  await record(db, org, { type: "user.disabled", actor: admin, target: bob });
  // A row pointing at someone of another organisation: never theirs to see, never named.
  await record(db, org, { type: "user.enabled", actor: stranger, target: stranger });
  await signInAs(context, admin);

  await page.goto(`/admin/audit?userId=${ana.id}`);
  await expect(page.getByText(`Events of Ana Lima (${ana.email})`)).toBeVisible();
  await expect(eventRows(page)).toHaveCount(1 + 3);
  await expect(eventRows(page).filter({ hasText: "User disabled" })).toHaveCount(1);
  // Narrowed further, the person stays chosen.
  await page.getByRole("checkbox", { name: "Users", exact: true }).check();
  await filter(page);
  await expect(page).toHaveURL(new RegExp(`userId=${ana.id}`));
  await expect(eventRows(page)).toHaveCount(1 + 1);

  await page.goto(`/admin/audit?userId=${stranger.id}`);
  await expect(page.getByText("No one in your organisation has that user id.")).toBeVisible();
  await expect(page.getByText("No events match.")).toBeVisible();
  await expect(page.locator("main")).not.toContainText(stranger.email);

  const notANumber = await page.goto("/admin/audit?userId=abc");
  expect(notANumber?.status()).toBe(200);
  await expect(page.getByRole("alert").filter({ hasText: "That user id is not a number" })).toBeVisible();

  const backwards = await page.goto("/admin/audit?from=2026-03-02&to=2026-03-01&user=ana");
  expect(backwards?.status()).toBe(200);
  await expect(page.getByRole("alert").filter({ hasText: "start date" })).toHaveText(
    "The start date is after the end date.",
  );
  await expect(page.getByLabel("From")).toHaveValue("2026-03-02");
  await expect(page.getByLabel("From")).toHaveAccessibleDescription("The start date is after the end date.");
  await expect(page.getByLabel("User", { exact: true })).toHaveValue("ana");
  await expect(page.getByRole("region", { name: "Audit events" })).toHaveCount(0);
  await expectNoAxeViolations(page);

  const impossible = await page.goto("/admin/audit?from=2026-02-30");
  expect(impossible?.status()).toBe(200);
  await expect(page.getByRole("alert").filter({ hasText: "Enter the start date as a date" })).toBeVisible();
  noServerErrors();
});

test("a page of events keeps its filter; the table fits at 1280 px and scrolls in its own box at 390 px; axe clean", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  test.setTimeout(120_000);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  const ana = await createUser({ organisationId: admin.organisationId, name: "Ana Lima" });
  const night = (
    await db.insert(groups).values({ organisationId: admin.organisationId, name: "Night shift" }).returning()
  )[0]!;
  for (let i = 0; i < 55; i++) await record(db, admin.organisationId, { type: "code.sent", target: ana });
  // Long details: they wrap or fold, and never widen the table.
  await record(db, admin.organisationId, {
    type: "group.updated",
    actor: admin,
    target: ana,
    details: {
      group: night.id,
      added: ana.id,
      note: "a-very-long-unbroken-value-".repeat(8),
      reason: "x".repeat(120),
      extra: "one more",
    },
  });
  await signInAs(context, admin);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto("/admin/audit?area=two-factor");
  await expect(eventRows(page)).toHaveCount(1 + 50);
  await page.getByRole("link", { name: "Older events" }).click();
  await expect(page).toHaveURL(/area=two-factor.*before=\d+/);
  await expect(page.getByRole("checkbox", { name: "Two-factor", exact: true })).toBeChecked();
  await expect(eventRows(page)).toHaveCount(1 + 5);
  await page.getByRole("link", { name: "Newest events" }).click();
  await expect(eventRows(page)).toHaveCount(1 + 50);

  for (const size of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await page.goto("/admin/audit");
    const row = eventRows(page).filter({ hasText: "Group updated" });
    // Names instead of ids.
    await expect(row).toContainText("Group: Night shift");
    await expect(row).toContainText(`Added: Ana Lima (${ana.email})`);
    await expectContentFits(page);
    const box = page.getByRole("region", { name: "Audit events" });
    const [scrollWidth, clientWidth] = await box.evaluate((element) => [element.scrollWidth, element.clientWidth]);
    if (size.width === 1280) expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    else expect(scrollWidth).toBeGreaterThan(clientWidth);
    await expectNoAxeViolations(page);
  }
});

test("a webhook event recorded with its whole URL (before L6) shows only the origin, on the page and in the CSV", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const admin = await createUser({ permissions: ALL, name: "Ada Admin" });
  // As the code before L6 recorded it: the receiver's token in the path and the query.
  await record(db, admin.organisationId, {
    type: "webhook.created",
    actor: admin,
    details: { webhookId: 7, url: "https://hooks.example.com/T0KEN?key=SECRET" },
  });
  await signInAs(context, admin);

  await test.step("the page names the origin, not the token", async () => {
    await page.goto("/admin/audit?type=webhook.created");
    const row = page.getByRole("row").filter({ hasText: "Webhook added" });
    await expect(row).toContainText("https://hooks.example.com");
    const html = await page.content();
    expect(html).not.toContain("T0KEN");
    expect(html).not.toContain("SECRET");
  });

  await test.step("nor does its CSV export", async () => {
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csv = await readFile((await file.path())!, "utf8");
    expect(csv).toContain("hooks.example.com");
    expect(csv).not.toContain("T0KEN");
    expect(csv).not.toContain("SECRET");
  });
  noServerErrors();
});
