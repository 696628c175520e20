import type { Page } from "@playwright/test";
import type { Db } from "@/db";
import { and, eq, inArray } from "drizzle-orm";
import {
  auditEvents,
  groupMembers,
  groups,
  organisations,
  PERMISSIONS,
  sessions,
  users,
  type Permission,
} from "@/db/schema";
import { hashToken } from "@/lib/crypto";
import { createSession } from "@/lib/auth/sessions";
import { expect, expectNoAxeViolations, failOnServerErrors, outboxEmails, test } from "./fixtures";

const ADMIN: Permission[] = ["users:read", "users:manage", "audit:read"];

async function shot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/**
 * Holds the answer to the bulk run's second batch until `release` is called,
 * so the test sees (and checks) the page mid-run. The batches are server
 * action POSTs carrying the `after` field (a filter's keyset position).
 */
async function holdSecondBatch(page: Page) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let batches = 0;
  await page.route("**/admin/users**", async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !/name="[^"]*after"/.test(request.postData() ?? "")) return route.continue();
    batches++;
    if (batches !== 2) return route.continue();
    const response = await route.fetch();
    await gate;
    await route.fulfill({ response });
  });
  return release;
}

/**
 * `count` people named "<name> 00", "<name> 01", … in one group, in one insert
 * and with no password hashing: a large selection, cheaply. Their ids, in order.
 */
async function groupOfPeople(
  db: Db,
  input: { organisationId: number; groupId: number; name: string; count: number },
): Promise<number[]> {
  const digits = String(input.count - 1).length;
  const members = await db
    .insert(users)
    .values(
      Array.from({ length: input.count }, (_, index) => ({
        organisationId: input.organisationId,
        name: `${input.name} ${String(index).padStart(digits, "0")}`,
        email: `${input.name.toLowerCase()}-${index}-${crypto.randomUUID()}@example.com`,
        passwordHash: "not used in these tests",
      })),
    )
    .returning({ id: users.id });
  const ids = members.map((member) => member.id);
  await db.insert(groupMembers).values(ids.map((userId) => ({ groupId: input.groupId, userId })));
  return ids;
}

test.describe("bulk actions on /admin/users", () => {
  test("ticked rows → Reset 2FA: the count, the skipped higher-ranked administrator, one audit event per person", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Bulk Admin" });
    const organisationId = admin.organisationId;
    const ada = await createUser({ organisationId, permissions: [...PERMISSIONS], name: "Ada Admin", totp: true });
    const bea = await createUser({ organisationId, name: "Bea Member", totp: true });
    const cy = await createUser({ organisationId, name: "Cy Member", totp: true });
    await signInAs(context, admin);

    await test.step("tick three rows: the count is announced", async () => {
      await page.goto("/admin/users");
      for (const name of ["Ada Admin", "Bea Member", "Cy Member"])
        await page.getByRole("checkbox", { name: `Select ${name}` }).check();
      await expect(page.getByRole("region", { name: "Bulk actions" }).getByText("3 selected")).toBeVisible();
      await expectNoAxeViolations(page);
      await shot(page, "bulk-selection");
    });

    await test.step("Reset 2FA asks first, with the server's count and a reason", async () => {
      await page.getByRole("button", { name: "Reset 2FA", exact: true }).click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Reset 2FA for 3 people?" })).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
      await expectNoAxeViolations(page);
      await shot(page, "bulk-confirmation");
      await dialog.getByLabel(/Reason/).fill("Phones replaced after the office move; checked in person.");
      await dialog.getByRole("button", { name: "Reset 2FA", exact: true }).click();
    });

    await test.step("the result lists the higher-ranked administrator as skipped", async () => {
      const result = page.getByRole("heading", { name: "Reset 2FA: done 2, skipped 1" });
      await expect(result).toBeVisible();
      await expect(result).toBeFocused();
      await expect(page.getByRole("list", { name: "Skipped" }).getByRole("listitem")).toHaveText([
        "Ada Admin — outranks you",
      ]);
      await expectNoAxeViolations(page);
      await shot(page, "bulk-result");
    });

    await test.step("the audit log has one reset per affected person, and none for the administrator", async () => {
      const events = await db
        .select({ target: auditEvents.targetUserId })
        .from(auditEvents)
        .where(and(eq(auditEvents.type, "two_factor.reset"), eq(auditEvents.actorUserId, admin.id)));
      expect(events.map((event) => event.target).sort()).toEqual([bea.id, cy.id].sort());
      await page.goto("/admin/audit");
      await expect(page.getByRole("row").filter({ hasText: "Bea Member" }).first()).toBeVisible();
      await expect(page.getByRole("row").filter({ hasText: "Cy Member" }).first()).toBeVisible();
      const [adaNow] = await db.select().from(users).where(eq(users.id, ada.id));
      expect(adaNow).toBeDefined();
    });
    serverErrors();
  });

  test("all matching a filter → Sign out: the count matches, progress shows, everyone is signed out", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Filter Admin" });
    const organisationId = admin.organisationId;
    await createUser({ organisationId, name: "Outside Person" });
    const group = (await db.insert(groups).values({ organisationId, name: "Night shift" }).returning())[0]!;
    const ids = await groupOfPeople(db, { organisationId, groupId: group.id, name: "Night", count: 55 });
    for (const userId of ids.slice(0, 3))
      await createSession(db, { userId, stage: "active", context: { ip: null, userAgent: null } });
    await signInAs(context, admin);
    const release = await holdSecondBatch(page);

    await test.step("the filter is active: select all 55 matching it", async () => {
      await page.goto(`/admin/users?group=${group.id}`);
      await page.getByRole("button", { name: "Select all 55 matching this filter" }).click();
      await expect(page.getByText("55 selected (everyone matching this filter)")).toBeVisible();
      await expect(page.getByText(/finds everyone matching this filter again when the action runs/)).toBeVisible();
    });

    await test.step("Sign out asks for 55 people, then runs in batches with progress", async () => {
      // Named apart from the header's "Sign out" (the admin's own): one button of each on the page.
      await expect(page.getByRole("button", { name: "Sign out", exact: true })).toHaveCount(1);
      await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Sign out people" }).click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Sign out 55 people?" })).toBeVisible();
      await dialog.getByRole("button", { name: "Sign out people", exact: true }).click();
      const progress = page.getByRole("progressbar", { name: /Sign out people: 50 of 55 done/ });
      await expect(progress).toBeVisible();
      await expect(progress).toHaveAttribute("value", "50");
      // The page stays usable while it runs.
      await expect(page.getByRole("link", { name: "Night 00" })).toBeVisible();
      await expectNoAxeViolations(page);
      await shot(page, "bulk-progress");
      release();
      await expect(page.getByRole("heading", { name: "Sign out people: done 55, skipped 0" })).toBeVisible();
    });

    await test.step("every matching person is signed out, with one audit event each, and nobody else", async () => {
      expect(await db.select().from(sessions).where(inArray(sessions.userId, ids))).toEqual([]);
      const events = await db
        .select({ target: auditEvents.targetUserId })
        .from(auditEvents)
        .where(and(eq(auditEvents.type, "user_sessions.revoked"), eq(auditEvents.actorUserId, admin.id)));
      expect(events.map((event) => event.target).sort((a, b) => a! - b!)).toEqual(ids);
    });
    serverErrors();
  });

  test("all matching a filter of more than 1,000 people: the confirmation states the true number", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Crowd Admin" });
    const organisationId = admin.organisationId;
    const group = (await db.insert(groups).values({ organisationId, name: "Everyone on site" }).returning())[0]!;
    // More than the list's count cap (1,000).
    const many = 1005;
    await groupOfPeople(db, { organisationId, groupId: group.id, name: "Crowd", count: many });
    await signInAs(context, admin);

    await test.step("the list says more than 1,000 match; selecting all says so too", async () => {
      await page.goto(`/admin/users?group=${group.id}`);
      await expect(page.getByText("More than 1,000 users match")).toBeVisible();
      await page.getByRole("button", { name: "Select all matching this filter (more than 1,000)" }).click();
      await expect(page.getByText("More than 1,000 selected (everyone matching this filter)")).toBeVisible();
    });

    await test.step("the confirmation names the true number the run would act on, not 1,001", async () => {
      await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Sign out people" }).click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: `Sign out ${many} people?` })).toBeVisible();
      await expectNoAxeViolations(page);
      await shot(page, "bulk-confirmation-over-cap");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
    });
    serverErrors();
  });

  test("a sensitive action with stale access: the dialog asks to confirm access first and keeps the filter", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Stale Admin" });
    const organisationId = admin.organisationId;
    const ivy = await createUser({ organisationId, name: "Ivy Member" });
    const token = await signInAs(context, admin);
    // Signed in 20 minutes ago: reset, disable, Require 2FA and setup links need a fresh confirmation.
    const then = new Date(Date.now() - 20 * 60_000);
    await db
      .update(sessions)
      .set({ authenticatedAt: then, createdAt: then })
      .where(eq(sessions.tokenHash, hashToken(token)));

    await test.step("Disable asks to confirm access first, saying the ticks are not kept", async () => {
      await page.goto("/admin/users?q=Ivy");
      await page.getByRole("checkbox", { name: "Select Ivy Member" }).check();
      await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Disable" }).click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: "Disable 1 person?" })).toBeVisible();
      await expect(dialog.getByText(/Disable needs your access confirmed in the last 15 minutes/)).toBeVisible();
      await expect(dialog.getByText(/the rows you ticked are not kept: tick them again/)).toBeVisible();
      await expect(dialog.getByRole("button", { name: "Disable" })).toHaveCount(0);
      await expectNoAxeViolations(page);
      await shot(page, "bulk-confirm-access-first");
    });

    await test.step("Confirm access goes there with a way back to the same search; nothing was done", async () => {
      await page.getByRole("dialog").getByRole("link", { name: "Confirm access" }).click();
      await expect(page).toHaveURL(`/confirm-access?next=${encodeURIComponent("/admin/users?q=Ivy")}`);
      await page.getByRole("link", { name: "Cancel" }).click();
      await expect(page).toHaveURL("/admin/users?q=Ivy");
      await expect(page.getByRole("checkbox", { name: "Select Ivy Member" })).not.toBeChecked();
      const [ivyNow] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, ivy.id));
      expect(ivyNow?.disabledAt).toBeNull();
    });

    await test.step("an action that needs no fresh confirmation goes ahead as before", async () => {
      await page.getByRole("checkbox", { name: "Select Ivy Member" }).check();
      await page.getByRole("region", { name: "Bulk actions" }).getByRole("button", { name: "Sign out people" }).click();
      await expect(page.getByRole("dialog").getByRole("button", { name: "Sign out people" })).toBeVisible();
    });
    serverErrors();
  });

  test("Send setup links lands one email per person in the outbox", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Links Admin" });
    const organisationId = admin.organisationId;
    const dee = await createUser({ organisationId, name: "Dee Newcomer" });
    const eli = await createUser({ organisationId, name: "Eli Newcomer" });
    await signInAs(context, admin);
    await page.goto("/admin/users");
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    await expect(page.getByRole("region", { name: "Bulk actions" }).getByText("3 selected")).toBeVisible();
    await page.getByRole("button", { name: "Send setup links" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByRole("heading", { name: "Send setup links to 3 people?" })).toBeVisible();
    await dialog.getByRole("button", { name: "Send setup links" }).click();
    await expect(page.getByRole("heading", { name: "Send setup links: done 2, skipped 1" })).toBeVisible();
    await expect(page.getByRole("list", { name: "Skipped" })).toHaveText("Links Admin — your own account");
    for (const person of [dee, eli]) expect(await outboxEmails(db, person.email)).toHaveLength(1);
    expect(await outboxEmails(db, admin.email)).toHaveLength(0);
    serverErrors();
  });

  test("Require 2FA, Send reminder and Disable: each asks with the count, lists who is skipped, one event per person", async ({
    page,
    context,
    createUser,
    signInAs,
    db,
  }) => {
    const serverErrors = failOnServerErrors(page);
    const admin = await createUser({ permissions: ADMIN, name: "Policy Admin" });
    const organisationId = admin.organisationId;
    // A grace period and no emailed codes: someone required without a factor is in grace and owes setup.
    await db
      .update(organisations)
      .set({ twoFactorGraceDays: 14, allowCode: false })
      .where(eq(organisations.id, organisationId));
    const fay = await createUser({ organisationId, name: "Fay Later" });
    const gus = await createUser({ organisationId, name: "Gus Later" });
    const hal = await createUser({ organisationId, name: "Hal Ready", totp: true });
    await signInAs(context, admin);

    /** Ticks `names` on a fresh list, runs `action` through its confirmation, and waits for the result heading. */
    async function runOn(names: string[], action: string, question: string, result: string) {
      await page.goto("/admin/users");
      for (const name of names) await page.getByRole("checkbox", { name: `Select ${name}` }).check();
      await page
        .getByRole("region", { name: "Bulk actions" })
        .getByRole("button", { name: action, exact: true })
        .click();
      const dialog = page.getByRole("dialog");
      await expect(dialog.getByRole("heading", { name: question })).toBeVisible();
      await expectNoAxeViolations(page);
      await dialog.getByRole("button", { name: action, exact: true }).click();
      await expect(page.getByRole("heading", { name: result })).toBeVisible();
    }
    // Require 2FA emails each person that their requirement changed: count the reminders alone.
    const remindersTo = async (email: string) =>
      (await outboxEmails(db, email)).filter((sent) => sent.subject?.endsWith("set up two-factor authentication"));
    const eventsOf = async (type: string) =>
      (
        await db
          .select({ target: auditEvents.targetUserId })
          .from(auditEvents)
          .where(and(eq(auditEvents.type, type), eq(auditEvents.actorUserId, admin.id)))
      )
        .map((event) => event.target)
        .sort((a, b) => a! - b!);

    await test.step("Require 2FA for three people: each is required, with one event each", async () => {
      await runOn(
        ["Fay Later", "Gus Later", "Hal Ready"],
        "Require 2FA",
        "Require 2FA for 3 people?",
        "Require 2FA: done 3, skipped 0",
      );
      const rows = await db
        .select({ requirement: users.twoFactorRequirement })
        .from(users)
        .where(inArray(users.id, [fay.id, gus.id, hal.id]));
      expect(rows.map((row) => row.requirement)).toEqual(["required", "required", "required"]);
      expect(await eventsOf("two_factor_requirement.changed")).toEqual([fay.id, gus.id, hal.id].sort((a, b) => a - b));
    });

    await test.step("Send reminder: the two still to set up are emailed once; the one with an app is skipped", async () => {
      await runOn(
        ["Fay Later", "Gus Later", "Hal Ready"],
        "Send reminder",
        "Send a reminder to 3 people?",
        "Send reminder: done 2, skipped 1",
      );
      await expect(page.getByRole("list", { name: "Skipped" })).toHaveText("Hal Ready — already has two-factor");
      await expectNoAxeViolations(page);
      for (const person of [fay, gus]) expect(await remindersTo(person.email)).toHaveLength(1);
      expect(await remindersTo(hal.email)).toHaveLength(0);
      // Pressed again the same day: nobody is emailed twice.
      await runOn(["Fay Later"], "Send reminder", "Send a reminder to 1 person?", "Send reminder: done 0, skipped 1");
      await expect(page.getByRole("list", { name: "Skipped" })).toHaveText("Fay Later — already reminded today");
      expect(await remindersTo(fay.email)).toHaveLength(1);
      expect(await eventsOf("two_factor_reminder.sent")).toEqual([fay.id, gus.id].sort((a, b) => a - b));
    });

    await test.step("Disable: the other person is disabled and signed out; your own account is skipped", async () => {
      await createSession(db, { userId: gus.id, stage: "active", context: { ip: null, userAgent: null } });
      await runOn(["Gus Later", "Policy Admin"], "Disable", "Disable 2 people?", "Disable: done 1, skipped 1");
      await expect(page.getByRole("list", { name: "Skipped" })).toHaveText("Policy Admin — your own account");
      const [gusNow] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, gus.id));
      expect(gusNow?.disabledAt).not.toBeNull();
      expect(await db.select().from(sessions).where(eq(sessions.userId, gus.id))).toEqual([]);
      const [adminNow] = await db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, admin.id));
      expect(adminNow?.disabledAt).toBeNull();
      expect(await eventsOf("user.disabled")).toEqual([gus.id]);
    });
    serverErrors();
  });
});
