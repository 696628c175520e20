import http from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { webhookDeliveries } from "@/db/schema";
import { verifyWebhookSignature } from "@/lib/webhooks/signing";
import { expect, expectNoAxeViolations, failOnServerErrors, reloadUntil, test } from "./fixtures";

type Received = { id: string; timestamp: string; signature: string; body: string; type: string; answered: number };

/** A local receiver (allow-listed by WEBHOOK_ALLOWED_HOSTS=127.0.0.1 in playwright.config.ts). */
async function startReceiver() {
  const received: Received[] = [];
  const state = { failNext: 0 };
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const answered = state.failNext > 0 ? 500 : 204;
      if (state.failNext > 0) state.failNext--;
      received.push({
        id: String(request.headers["webhook-id"]),
        timestamp: String(request.headers["webhook-timestamp"]),
        signature: String(request.headers["webhook-signature"]),
        body,
        type: (JSON.parse(body) as { type: string }).type,
        answered,
      });
      response.statusCode = answered;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, state, url: `http://127.0.0.1:${port}/twofold`, close: () => server.close() };
}

test("an administrator streams the audit log to a signed webhook that retries", async ({
  page,
  context,
  createUser,
  signInAs,
  db,
}) => {
  failOnServerErrors(page);
  const receiver = await startReceiver();
  test.info().setTimeout(90_000);
  const shot = async (name: string) =>
    await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  try {
    const admin = await createUser({ permissions: ["settings:manage", "audit:read"] });
    await signInAs(context, admin);
    let secret = "";

    await test.step("the page is reachable from the admin nav and starts empty", async () => {
      await page.goto("/");
      await page.getByRole("link", { name: "Webhooks" }).click();
      await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
      await expect(page.getByText("No webhooks yet.")).toBeVisible();
      await expectNoAxeViolations(page);
      await shot("empty");
    });

    await test.step("a private address is refused with a clear message", async () => {
      await page.getByLabel("URL").fill("https://10.1.2.3/hook");
      await page.getByRole("button", { name: "Add webhook" }).click();
      await expect(page.getByText(/inside a private network or this server/)).toBeVisible();
      await expect(page.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
      await expectNoAxeViolations(page);
      await shot("private-address-refused");
    });

    await test.step("adding the receiver shows the signing secret once", async () => {
      receiver.state.failNext = 1;
      await page.getByLabel("URL").fill(receiver.url);
      await page.getByLabel("Description").fill("SIEM");
      await page.getByRole("button", { name: "Add webhook" }).click();
      await expect(page.getByText(/Copy its signing secret now/)).toBeVisible();
      secret = await page.getByLabel("Signing secret").inputValue();
      expect(secret).toMatch(/^whsec_/);
      await expect(page.getByRole("link", { name: receiver.url })).toBeVisible();
      await expectNoAxeViolations(page);
      await shot("added");
    });

    await test.step("the first attempt fails, the log says so, and the retry delivers it signed", async () => {
      await expect.poll(() => receiver.received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      expect(receiver.received[0]).toMatchObject({ type: "webhook.created", answered: 500 });
      await page.getByRole("link", { name: receiver.url }).click();
      await expect(page.getByRole("heading", { name: "Delivery log" })).toBeVisible();
      // Pending with the failure, or already retried: the attempt count and the result say which.
      await expect
        .poll(() => receiver.received.filter((entry) => entry.type === "webhook.created").length, {
          timeout: 15_000,
        })
        .toBe(2);
      const [failed, retried] = receiver.received.filter((entry) => entry.type === "webhook.created");
      expect(retried!.answered).toBe(204);
      expect(retried!.id).toBe(failed!.id);
      expect(verifyWebhookSignature(secret, retried!, retried!.body)).toBe(true);
      // The receiver has answered; the worker records the outcome just after.
      const row = page.getByRole("row", { name: /webhook\.created/ });
      await reloadUntil(page, () => expect(row).toContainText("Delivered", { timeout: 1_000 }));
      await expect(row.getByRole("cell").nth(2)).toHaveText("2");
      await expectNoAxeViolations(page);
      await shot("retried-and-delivered");
    });

    await test.step("a failed attempt shows in the log until it is retried", async () => {
      receiver.state.failNext = 100;
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByText(/Test event queued/)).toBeVisible();
      await expect.poll(() => receiver.received.some((entry) => entry.type === "webhook.test")).toBe(true);
      await reloadUntil(page, () =>
        expect(page.getByRole("row", { name: /webhook\.test/ })).toContainText("HTTP 500", { timeout: 1_000 }),
      );
      await expectNoAxeViolations(page);
      await shot("failure-in-log");
    });

    await test.step("a failed delivery can be retried now", async () => {
      const webhookId = Number(page.url().split("/").pop());
      // Give up at once rather than wait for eight attempts (the backoff is unit-tested).
      await db
        .update(webhookDeliveries)
        // Lease cleared too: a retry in flight then cannot write "pending" back over it.
        .set({ state: "failed", leasedUntil: null })
        .where(and(eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.state, "pending")));
      receiver.state.failNext = 0;
      await page.reload();
      const testRow = page.getByRole("row", { name: /webhook\.test/ });
      await expect(testRow).toContainText("Failed");
      await expectNoAxeViolations(page);
      await shot("failed");
      await testRow.getByRole("button", { name: "Retry now" }).click();
      // The row leaves "Failed" (and its button goes with it) as soon as the delivery is queued again.
      await expect(page.getByRole("row", { name: /webhook\.test/ })).not.toContainText("Failed");
      await expect
        .poll(
          () => receiver.received.filter((entry) => entry.type === "webhook.test" && entry.answered === 204).length,
          {
            timeout: 15_000,
          },
        )
        .toBe(1);
      const delivered = receiver.received.find((entry) => entry.type === "webhook.test" && entry.answered === 204)!;
      expect(verifyWebhookSignature(secret, delivered, delivered.body)).toBe(true);
      await reloadUntil(page, () =>
        expect(page.getByRole("row", { name: /webhook\.test/ })).toContainText("Delivered", { timeout: 1_000 }),
      );
    });

    await test.step("admin actions arrive as audit events", async () => {
      await expect
        .poll(() => receiver.received.filter((entry) => entry.answered === 204).map((entry) => entry.type), {
          timeout: 15_000,
        })
        .toContain("webhook_delivery.retried");
      const event = receiver.received.find((entry) => entry.type === "webhook_delivery.retried")!;
      const payload = JSON.parse(event.body) as { data: { actor: number } };
      expect(payload.data.actor).toBe(admin.id);
      expect(verifyWebhookSignature(secret, event, event.body)).toBe(true);
    });

    await test.step("disable, rotate the secret, and delete with confirmation", async () => {
      await page.getByRole("button", { name: "Disable" }).click();
      await expect(page.getByText(/Webhook disabled/)).toBeVisible();
      await page.getByRole("button", { name: "Rotate secret" }).click();
      await expect(page.getByText(/New signing secret made/)).toBeVisible();
      expect(await page.getByLabel("Signing secret").inputValue()).not.toBe(secret);
      await expectNoAxeViolations(page);
      await shot("rotated");
      await page.getByRole("button", { name: "Delete webhook" }).click();
      await expect(page.getByText("Tick the box to confirm.")).toBeVisible();
      await page.getByLabel(/I understand that this webhook/).check();
      await page.getByRole("button", { name: "Delete webhook" }).click();
      await expect(page).toHaveURL(/\/admin\/webhooks\?deleted=1$/);
      await expect(page.getByText("No webhooks yet.")).toBeVisible();
    });
  } finally {
    receiver.close();
  }
});

test("another organisation's webhook is not found", async ({ page, context, createUser, signInAs, db }) => {
  const owner = await createUser({ permissions: ["settings:manage", "audit:read"] });
  const outsider = await createUser({ permissions: ["settings:manage", "audit:read"] });
  const { webhooks } = await import("@/db/schema");
  const [row] = await db
    .insert(webhooks)
    .values({ organisationId: owner.organisationId, url: "https://siem.example/hook", secretEncrypted: "x" })
    .returning();
  await signInAs(context, outsider);
  const response = await page.goto(`/admin/webhooks/${row!.id}`);
  expect(response?.status()).toBe(404);
});

test("managing webhooks needs the audit log too: a settings administrator without audit:read is refused and not shown the link", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const settingsOnly = await createUser({ permissions: ["settings:manage"] });
  await signInAs(context, settingsOnly);
  await page.goto("/admin/settings");
  await expect(page.getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  const response = await page.goto("/admin/webhooks");
  expect(response?.status()).toBe(403);
});

test("a disabled webhook refuses a test event, enabling says what it sends, and the circuit breaker's disable is named", async ({
  page,
  context,
  createUser,
  signInAs,
  db,
}) => {
  failOnServerErrors(page);
  const shot = async (name: string) =>
    await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  const admin = await createUser({ permissions: ["settings:manage", "audit:read"] });
  const { auditEvents, webhooks } = await import("@/db/schema");
  const [row] = await db
    .insert(webhooks)
    .values({
      organisationId: admin.organisationId,
      url: "https://siem.example/hook",
      secretEncrypted: "x",
      enabled: false,
    })
    .returning();
  await db.insert(webhookDeliveries).values({
    webhookId: row!.id,
    eventType: "user.disabled",
    payload: "{}",
    nextAttemptAt: new Date(Date.now() + 3_600_000),
  });
  await signInAs(context, admin);

  await test.step("'Send test event' on a disabled webhook says it is disabled", async () => {
    await page.goto(`/admin/webhooks/${row!.id}`);
    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByText("This webhook is disabled, so a test event would not be sent.")).toBeVisible();
    await expectNoAxeViolations(page);
    await shot("test-refused-disabled");
  });

  await test.step("enabling says the queued delivery is sent now", async () => {
    await page.getByRole("button", { name: "Enable" }).click();
    await expect(page.getByText("The delivery queued before it was disabled will be sent now.")).toBeVisible();
    await shot("enabled-with-queue");
  });

  await test.step("a webhook the circuit breaker disabled says so in the list", async () => {
    await db.update(webhooks).set({ enabled: false }).where(eq(webhooks.id, row!.id));
    await db.insert(auditEvents).values({
      type: "webhook.disabled",
      organisationId: admin.organisationId,
      details: { webhookId: row!.id, origin: "https://siem.example", reason: "consecutive_failures" },
    });
    await page.goto("/admin/webhooks");
    await expect(page.getByText(/Disabled automatically: its last 50 deliveries all failed/)).toBeVisible();
    await expectNoAxeViolations(page);
    await shot("disabled-automatically");
  });
});
