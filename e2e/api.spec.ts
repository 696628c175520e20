import type { APIRequestContext, APIResponse } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { auditEvents, sessions, users } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { confirmInDialog, expect, expectNoAxeViolations, signInWithForm, test, type TestUser } from "./fixtures";
import { allPages } from "./manifests";

async function makeApiAccount(db: Db, user: TestUser): Promise<TestUser> {
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, user.id));
  return user;
}

/** A token of its own for each test, so no test spends another's rate limit. */
async function tokenFor(db: Db, user: TestUser, name = "e2e"): Promise<string> {
  return (await createApiToken(db, { userId: user.id, name, createdByUserId: null })).token;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

type ApiErrorBody = { error: { code: string; message: string } };

/** A refusal as a client sees it: JSON, uncached, the `{ error: { code, message } }` shape. */
async function expectApiError(response: APIResponse, status: number, code: string): Promise<string> {
  expect(response.status(), await response.text()).toBe(status);
  expect(response.headers()["content-type"]).toContain("application/json");
  expect(response.headers()["cache-control"]).toBe("no-store");
  const body = (await response.json()) as ApiErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
  return body.error.message;
}

async function expectUnauthorized(response: APIResponse, code = "unauthenticated") {
  await expectApiError(response, 401, code);
  expect(response.headers()["www-authenticate"]).toMatch(/^Bearer\b/);
}

async function allUsersByPage(request: APIRequestContext, token: string, perPage: number) {
  const pages: Array<{
    users: Array<{ id: number }>;
    pagination: { page: number; perPage: number; hasMore: boolean; nextPage: number | null };
  }> = [];
  for (let page = 1; page <= 10; page++) {
    const response = await request.get(`/api/v1/users?page=${page}&per_page=${perPage}`, { headers: bearer(token) });
    expect(response.status()).toBe(200);
    const body = (await response.json()) as (typeof pages)[number];
    pages.push(body);
    if (body.pagination.nextPage === null) break;
    expect(body.pagination.nextPage).toBe(page + 1);
  }
  return pages;
}

test("an admin creates a token on the API account's page, sees it once, uses it, and revokes it", async ({
  page,
  context,
  db,
  request,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const robot = await makeApiAccount(
    db,
    await createUser({ organisationId: admin.organisationId, permissions: ["users:read"], name: "Billing robot" }),
  );
  await signInAs(context, admin);
  await page.goto(`/admin/users/${robot.id}`);

  const section = page.getByRole("region", { name: "API tokens" });
  await expect(section.getByText("No tokens yet.")).toBeVisible();
  await section.getByRole("button", { name: "Create token" }).click();
  await expect(section.getByText("Enter a name for the token")).toBeVisible();

  await section.getByLabel("Token name").fill("Nightly export");
  await section.getByRole("button", { name: "Create token" }).click();
  await expect(section.getByText("it will not be shown again")).toBeVisible();
  const shown = section.getByLabel("New API token");
  await expect(shown).toHaveAttribute("readonly", "");
  const token = await shown.inputValue();
  expect(token).toMatch(/^tfk_[A-Za-z0-9_-]{43}$/);
  const row = section.getByRole("row", { name: /Nightly export/ });
  await expect(row).toContainText(`${token.slice(0, 8)}…`);
  await expect(row).toContainText("Never");
  await expectNoAxeViolations(page);
  expect(
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "api_token.created"), eq(auditEvents.targetUserId, robot.id))),
  ).toHaveLength(1);

  // Shown once: after a reload the page no longer holds the token anywhere.
  await page.reload();
  await expect(section.getByRole("row", { name: /Nightly export/ })).toBeVisible();
  await expect(section.getByLabel("New API token")).toHaveCount(0);
  expect(await page.content()).not.toContain(token);

  const me = await request.get("/api/v1/me", { headers: bearer(token) });
  expect(me.status()).toBe(200);
  expect(me.headers()["cache-control"]).toBe("no-store");
  expect(me.headers()["ratelimit-limit"]).toBe("30");
  expect(await me.json()).toEqual({
    id: robot.id,
    email: robot.email,
    name: "Billing robot",
    organisation: { id: admin.organisationId, name: expect.any(String) },
    permissions: ["users:read"],
  });

  await page.reload();
  await expect(section.getByRole("row", { name: /Nightly export/ })).not.toContainText("Never");
  await expectNoAxeViolations(page);

  await section.getByRole("button", { name: "Revoke Nightly export" }).click();
  await confirmInDialog(page, "Revoke");
  await expect(section.getByRole("row", { name: /Nightly export/ })).toContainText("Revoked");
  await expect(section.getByRole("button", { name: "Revoke Nightly export" })).toHaveCount(0);
  expect(
    await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.type, "api_token.revoked"), eq(auditEvents.targetUserId, robot.id))),
  ).toHaveLength(1);
  await expectUnauthorized(await request.get("/api/v1/me", { headers: bearer(token) }), "invalid_token");
});

test("a person's page offers no API tokens: the section is for API accounts only", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const person = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${person.id}`);
  await expect(page.getByRole("heading", { name: "Details" })).toBeVisible();
  await expect(page.getByRole("region", { name: "API tokens" })).toHaveCount(0);
  await expect(page.getByLabel("Token name")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create token" })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test("/api/v1/users pages through the caller's organisation only", async ({ db, request, createUser }) => {
  const robot = await makeApiAccount(db, await createUser({ permissions: ["users:read"] }));
  const colleagues = [
    await createUser({ organisationId: robot.organisationId, totp: true }),
    await createUser({ organisationId: robot.organisationId }),
    await createUser({ organisationId: robot.organisationId }),
    await createUser({ organisationId: robot.organisationId }),
  ];
  await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, colleagues[3]!.id));
  const outsider = await createUser({ permissions: ["users:read"] });
  const token = await tokenFor(db, robot);

  const pages = await allUsersByPage(request, token, 2);
  expect(pages.map((page) => [page.users.length, page.pagination.hasMore])).toEqual([
    [2, true],
    [2, true],
    [1, false],
  ]);
  const listed = pages.flatMap((page) => page.users);
  expect(listed.map((user) => user.id).sort((a, b) => a - b)).toEqual(
    [robot.id, ...colleagues.map((user) => user.id)].sort((a, b) => a - b),
  );
  expect(listed.map((user) => user.id)).not.toContain(outsider.id);

  const whole = await request.get("/api/v1/users", { headers: bearer(token) });
  const body = (await whole.json()) as { users: Array<Record<string, unknown>>; pagination: Record<string, unknown> };
  expect(body.pagination).toEqual({ page: 1, perPage: 50, hasMore: false, nextPage: null });
  expect(body.users.find((user) => user.id === colleagues[0]!.id)).toEqual({
    id: colleagues[0]!.id,
    email: colleagues[0]!.email,
    name: colleagues[0]!.name,
    isApiAccount: false,
    disabled: false,
    twoFactor: { requirement: "optional", enabled: true, methods: ["totp"] },
    lastSignInAt: null,
  });
  expect(body.users.find((user) => user.id === colleagues[3]!.id)).toMatchObject({
    disabled: true,
    twoFactor: { enabled: false, methods: [] },
  });
  expect(body.users.find((user) => user.id === robot.id)).toMatchObject({
    isApiAccount: true,
    twoFactor: { requirement: "exempt" },
  });
  expect(JSON.stringify(body)).not.toMatch(/password|hash|secret/i);

  // Bad parameters: 400, naming the parameter.
  for (const [query, parameter] of [
    ["page=0", "page"],
    ["page=abc", "page"],
    ["page=2.5", "page"],
    ["per_page=1000", "per_page"],
    ["per_page=-3", "per_page"],
  ]) {
    const message = await expectApiError(
      await request.get(`/api/v1/users?${query}`, { headers: bearer(token) }),
      400,
      "invalid_parameter",
    );
    expect(message).toContain(`"${parameter}"`);
  }
});

test("passwords, sessions and revoked or orphaned tokens never open the API", async ({
  db,
  baseURL,
  request,
  createUser,
}) => {
  const person = await createUser({ permissions: ["users:read", "users:manage"] });
  const robot = await makeApiAccount(
    db,
    await createUser({ organisationId: person.organisationId, permissions: ["users:read"] }),
  );
  const basic = (user: TestUser) => `Basic ${Buffer.from(`${user.email}:${user.password}`).toString("base64")}`;

  for (const path of ["/api/v1/me", "/api/v1/users", "/api/v1/audit"]) {
    await expectUnauthorized(await request.get(path));
    // A person's correct email and password, in every form a client might try.
    await expectUnauthorized(await request.get(path, { headers: { authorization: basic(person) } }));
    await expectUnauthorized(await request.get(path, { headers: { authorization: basic(robot) } }));
    await expectUnauthorized(await request.post(path, { form: { email: person.email, password: person.password } }));
    await expectUnauthorized(await request.post(path, { data: { email: person.email, password: person.password } }));
    await expectUnauthorized(await request.get(path, { headers: bearer(person.password) }), "invalid_token");
    await expectUnauthorized(await request.get(path, { headers: { authorization: "Bearer" } }));
    await expectUnauthorized(await request.get(path, { headers: { authorization: "Token abc" } }));
    await expectUnauthorized(await request.get(path, { headers: bearer("tfk_not-a-real-token") }), "invalid_token");
  }

  // A signed-in person's session cookie, full or half-way, opens no API route.
  const apiRoutes = allPages().filter((page) => page.startsWith("/api/v1/"));
  expect(apiRoutes).toEqual(expect.arrayContaining(["/api/v1/me", "/api/v1/users", "/api/v1/audit"]));
  for (const stage of ["active", "password"] as const) {
    const { token } = await createSession(db, { userId: person.id, stage, context: { ip: null, userAgent: null } });
    for (const path of apiRoutes) {
      const response = await request.get(`${baseURL}${path}`, {
        headers: { cookie: `${sessionCookie(false).name}=${token}` },
        maxRedirects: 0,
      });
      await expectUnauthorized(response);
    }
  }

  // A token stops working when its account is disabled or stops being an API account.
  const token = await tokenFor(db, robot);
  expect((await request.get("/api/v1/me", { headers: bearer(token) })).status()).toBe(200);
  await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, robot.id));
  await expectUnauthorized(await request.get("/api/v1/me", { headers: bearer(token) }), "invalid_token");
  await db.update(users).set({ disabledAt: null, isApiAccount: false }).where(eq(users.id, robot.id));
  await expectUnauthorized(await request.get("/api/v1/me", { headers: bearer(token) }), "invalid_token");
});

test("an API account without users:read may read itself but not the users", async ({ db, request, createUser }) => {
  const robot = await makeApiAccount(db, await createUser());
  const token = await tokenFor(db, robot);
  const me = await request.get("/api/v1/me", { headers: bearer(token) });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ id: robot.id, permissions: [] });
  const message = await expectApiError(
    await request.get("/api/v1/users", { headers: bearer(token) }),
    403,
    "forbidden",
  );
  expect(message).toContain("users:read");
});

test("unknown paths and methods get JSON 404 and 405", async ({ db, request, createUser }) => {
  const robot = await makeApiAccount(db, await createUser({ permissions: ["users:read"] }));
  const token = await tokenFor(db, robot);
  for (const path of ["/api/v1", "/api/v1/nothing-here", "/api/v1/users/1", "/api/v1/me/extra"]) {
    await expectApiError(await request.get(path, { headers: bearer(token) }), 404, "not_found");
  }
  for (const path of ["/api/v1/me", "/api/v1/users", "/api/v1/audit"]) {
    const response = await request.delete(path, { headers: bearer(token) });
    await expectApiError(response, 405, "method_not_allowed");
    expect(response.headers().allow).toBe("GET");
  }
  await expectApiError(
    await request.post("/api/v1/users", { headers: bearer(token), data: { name: "x" } }),
    405,
    "method_not_allowed",
  );
  // Without a token, nothing about the API is told but how to authenticate.
  await expectUnauthorized(await request.get("/api/v1/nothing-here"));
});

test("each token is rate-limited on its own: 429 with Retry-After past the limit", async ({
  db,
  request,
  createUser,
}) => {
  const robot = await makeApiAccount(db, await createUser());
  const token = await tokenFor(db, robot, "busy");
  const statuses: number[] = [];
  let refused: APIResponse | undefined;
  // The e2e server allows 30 a minute (playwright.config.ts); 40 tries at most.
  for (let attempt = 0; attempt < 40 && !refused; attempt++) {
    const response = await request.get("/api/v1/me", { headers: bearer(token) });
    statuses.push(response.status());
    if (response.status() === 200) {
      expect(response.headers()["ratelimit-remaining"]).toBe(String(29 - attempt));
      expect(response.headers()["x-ratelimit-remaining"]).toBe(String(29 - attempt));
    } else {
      refused = response;
    }
  }
  expect(statuses).toEqual([...Array<number>(30).fill(200), 429]);
  const message = await expectApiError(refused!, 429, "rate_limited");
  expect(message).toContain("30");
  const retryAfter = Number(refused!.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(refused!.headers()["ratelimit-remaining"]).toBe("0");
  expect(refused!.headers()["x-ratelimit-limit"]).toBe("30");
  expect(refused!.headers()["ratelimit-reset"]).toBe(String(retryAfter));

  // Another token of the same account has its own allowance.
  expect((await request.get("/api/v1/me", { headers: bearer(await tokenFor(db, robot, "quiet")) })).status()).toBe(200);
});

test("an API account cannot sign in to the web UI, even with tokens", async ({ page, db, createUser }) => {
  const robot = await makeApiAccount(db, await createUser());
  await tokenFor(db, robot);
  await signInWithForm(page, robot);
  await expect(page).toHaveURL("/login");
  await expect(page.getByRole("status")).toContainText("API account");
  expect(await db.select().from(sessions).where(eq(sessions.userId, robot.id))).toHaveLength(0);
  await page.goto("/");
  await expect(page).toHaveURL("/login");
});
