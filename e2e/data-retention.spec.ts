import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { auditEvents, organisations } from "@/db/schema";
import { expect, expectNoAxeViolations, failOnServerErrors, submitAndWait, test } from "./fixtures";

test("an administrator sets how long audit events are kept; a value out of range is refused with a reason and kept as typed", async ({
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
  const card = page.getByRole("region", { name: "Audit log" });
  const days = card.getByLabel("Keep audit events for (days)");
  const save = card.getByRole("button", { name: "Save audit log setting" });
  await expect(days).toHaveValue("365");
  await expect(days).toHaveAccessibleDescription(/90 to 3650 days \(ten years\); default 365\./);
  await expectNoAxeViolations(page);

  await test.step("too short: refused, announced, and what was typed stays", async () => {
    await days.fill("30");
    await submitAndWait(page, save);
    await expect(card.getByRole("status")).toHaveText("Please correct the highlighted field.");
    await expect(days).toHaveAccessibleDescription(
      /Keep audit events for at least 90 days, so there is time to look into what happened\./,
    );
    await expect(days).toHaveAttribute("aria-invalid", "true");
    await expect(days).toHaveValue("30");
    await expectNoAxeViolations(page);
    expect(
      (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.auditRetentionDays,
    ).toBe(365);
  });

  await test.step("too long, or not a whole number: refused the same way", async () => {
    await days.fill("5000");
    await submitAndWait(page, save);
    await expect(days).toHaveAccessibleDescription(/Use at most 3650 days \(ten years\)\./);
    await expect(days).toHaveValue("5000");
  });

  await test.step("two years: saved, audited, and shown after a reload", async () => {
    await days.fill("730");
    await submitAndWait(page, save);
    await expect(card.getByRole("status")).toHaveText("Saved. Audit events are kept for 730 days.");
    await expect(days).not.toHaveAttribute("aria-invalid", "true");
    await expectNoAxeViolations(page);
    expect(
      (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.auditRetentionDays,
    ).toBe(730);
    const audited = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.organisationId, admin.organisationId), eq(auditEvents.type, "settings.updated")));
    expect(audited.map((event) => [event.actorUserId, event.details])).toEqual([
      [admin.id, { section: "audit_retention", auditRetentionDays: 730, previousAuditRetentionDays: 365 }],
    ]);
    await page.reload();
    await expect(
      page.getByRole("region", { name: "Audit log" }).getByLabel("Keep audit events for (days)"),
    ).toHaveValue("730");
  });
  noServerErrors();
});

test("someone without settings:manage cannot change how long audit events are kept", async ({
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const member = await createUser({ permissions: ["users:read"] });
  await signInAs(context, member);
  const response = await page.goto("/admin/settings");
  expect(response!.status()).toBeGreaterThanOrEqual(400);
  await expect(page.getByLabel("Keep audit events for (days)")).toHaveCount(0);
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, member.organisationId)))[0]!.auditRetentionDays,
  ).toBe(365);
});

// The other half, starting with OUTBOX_IN_PRODUCTION=1 and a warning, is the server every spec runs against (playwright.config.ts).
test("the production server refuses to start when a channel has no provider and OUTBOX_IN_PRODUCTION is unset", async () => {
  test.setTimeout(90_000);
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-outbox-refusal-"));
  const child = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", "0"],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: `file:${path.join(directory, "twofold.db")}`,
        AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
        APP_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
        APP_URL: "https://twofold.example.com",
        TWILIO_ACCOUNT_SID: "AC1",
        TWILIO_AUTH_TOKEN: "t",
        TWILIO_FROM: "+15005550006",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 60_000);
    child.once("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  fs.rmSync(directory, { recursive: true, force: true });
  expect(code).toBe(1);
  expect(output).toContain(
    "Twofold cannot start: Email has no provider (set RESEND_API_KEY and EMAIL_FROM). Configure the provider, or set OUTBOX_IN_PRODUCTION=1 to keep those messages in the outbox table instead: sign-in codes and links are then stored in the database and never delivered.",
  );
});
