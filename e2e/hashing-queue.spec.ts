import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "./fixtures";

/*
 * A second server on the same build and database, with a hashing queue of
 * one slot and no waiting line (HASH_CONCURRENCY=1, HASH_QUEUE_LIMIT=0), so a
 * short flood fills it. Only this spec pays for it; the shared server keeps
 * the defaults every other test needs.
 */
let server: ChildProcess | undefined;
let baseURL = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  server = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      AUTH_SECRET: process.env.E2E_AUTH_SECRET,
      APP_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
      APP_URL: baseURL,
      OUTBOX_PUBLIC: "1",
      OUTBOX_IN_PRODUCTION: "1",
      NEXT_TELEMETRY_DISABLED: "1",
      HASH_CONCURRENCY: "1",
      HASH_QUEUE_LIMIT: "0",
    },
    stdio: "ignore",
    detached: true,
  });
  for (let waited = 0; ; waited += 500) {
    if (waited > 90_000) throw new Error("the small-queue server did not start");
    const ready = await fetch(`${baseURL}/login`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
});

test.afterAll(() => {
  // Its own process group: npx and the Next.js server under it.
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
});

test("a flood of sign-ins gets 503 with Retry-After once the hashing queue is full, and the server recovers", async ({
  browser,
}) => {
  // The sign-in action's request as the browser sends it, to replay with other emails.
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill("flood-template@example.com");
  await page.getByLabel("Password").fill("not the password");
  const [signInRequest] = await Promise.all([
    // The sign-in's own action, not the passkey autofill's, which the page also posts once hydrated.
    page.waitForRequest(
      (request) =>
        request.method() === "POST" &&
        Boolean(request.headers()["next-action"]) &&
        (request.postData() ?? "").includes("flood-template@example.com"),
    ),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  const body = signInRequest.postData()!;
  const headers = {
    "next-action": signInRequest.headers()["next-action"]!,
    "content-type": signInRequest.headers()["content-type"]!,
  };
  await context.close();

  const api = await playwrightRequest.newContext({ baseURL });
  const statuses: number[] = [];
  let busy: { retryAfter: string | undefined } | null = null;
  // Twenty requests kept in flight, each for a different unknown email from a different address, until one
  // arrives while the queue is full; bounded at 200. A steady stream rather than bursts: on PostgreSQL a
  // burst's database work spreads its hashes out, so all twenty can pass the proxy before the first hash starts.
  let sent = 0;
  const flood = async () => {
    while (!busy && sent < 200) {
      sent++;
      const response = await api.post("/login", {
        headers: { ...headers, "x-forwarded-for": `198.51.100.${crypto.randomInt(1, 255)}` },
        data: body.replace("flood-template@example.com", `flood-${crypto.randomUUID()}@example.com`),
        maxRedirects: 0,
      });
      statuses.push(response.status());
      if (response.status() === 503) busy = { retryAfter: response.headers()["retry-after"] };
    }
  };
  await Promise.all(Array.from({ length: 20 }, flood));
  expect(busy, `statuses seen: ${statuses.join(",")}`).not.toBeNull();
  expect(Number(busy!.retryAfter)).toBeGreaterThanOrEqual(1);
  // Turned away or answered: never a server error.
  expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);

  // Once the flood is over, signing in works again.
  const after = await api.post("/login", { headers, data: body, maxRedirects: 0 });
  expect(after.status()).toBe(200);
  await api.dispose();
});
