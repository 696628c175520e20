import { request as playwrightRequest, type Browser } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { sessions, users } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { createSession } from "@/lib/auth/sessions";
import { expect, freshTotpCode, LOCKED_FOR_ABOUT_15_MINUTES, signInWithForm, signOut, test } from "./fixtures";

/*
 * Two instances of the same build, A (the suite's usual server) and B
 * (playwright.config.ts's second one), on one database and sharing nothing
 * else: what one instance decides, the other must honour, and a limit must
 * count requests wherever they land. On SQLite that is two processes on one
 * WAL file; on PostgreSQL, two servers on one database.
 */
const instanceB = process.env.E2E_SECOND_BASE_URL!;

// Several of these make a dozen password checks (argon2 at OWASP parameters) on a busy machine.
test.describe.configure({ timeout: 120_000 });

/** A browser talking to instance B, from the address the test's requests come from. */
async function browserOnB(browser: Browser, clientIp: string) {
  return browser.newContext({ baseURL: instanceB, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
}

test("a session made on A works on B, and signing out on A ends it on B", async ({
  browser,
  page,
  context,
  clientIp,
  createUser,
}) => {
  const user = await createUser();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");

  // The same browser's next request lands on B, as a load balancer may send it.
  const onB = await browserOnB(browser, clientIp);
  await onB.addCookies(await context.cookies());
  const pageOnB = await onB.newPage();
  await pageOnB.goto("/");
  await expect(pageOnB.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();

  await signOut(page);
  // B still holds the cookie; B knows the session behind it has ended.
  await pageOnB.goto("/");
  await expect(pageOnB).toHaveURL("/login?reason=session-ended");
  await onB.close();
});

test("a TOTP code accepted on A is refused on B", async ({ browser, page, db, clientIp, createUser }) => {
  const user = await createUser({ totp: true });
  const code = await freshTotpCode(db, user, user.totpSecret!);
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL("/");

  const onB = await browserOnB(browser, clientIp);
  const pageOnB = await onB.newPage();
  await signInWithForm(pageOnB, user);
  await expect(pageOnB).toHaveURL("/login/two-factor");
  await pageOnB.getByLabel("Code").fill(code);
  await pageOnB.getByRole("button", { name: "Verify" }).click();
  await expect(pageOnB.getByText("That code is not valid. 4 attempts left.")).toBeVisible();
  await expect(pageOnB).toHaveURL("/login/two-factor");
  await onB.close();
});

test("twenty simultaneous submissions of one valid code, split across A and B: exactly one signs in", async ({
  page,
  db,
  baseURL,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  // One real submission on A, to learn the request the browser makes.
  await signInWithForm(page, user);
  await page.getByLabel("Code").fill("000000");
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await page.getByRole("button", { name: "Verify" }).click();
  const template = await posted;

  const code = await freshTotpCode(db, user, user.totpSecret!);
  const body = template
    .postDataBuffer()!
    .toString("latin1")
    .replace('"000000"', JSON.stringify(code))
    .replace("\r\n\r\n000000\r\n", `\r\n\r\n${code}\r\n`);
  expect(body).toContain(code);
  const { pathname } = new URL(template.url());
  const headers = { ...template.headers() };
  delete headers.cookie;

  const responses = await Promise.all(
    Array.from({ length: 20 }, async (_, index) => {
      const instance = index % 2 === 0 ? baseURL! : instanceB;
      const { token } = await createSession(db, {
        userId: user.id,
        stage: "password",
        context: { ip: null, userAgent: null },
      });
      const context = await playwrightRequest.newContext({ baseURL: instance });
      // Each instance accepts a server action only from its own origin (its APP_URL).
      const response = await context.fetch(pathname, {
        method: "POST",
        headers: { ...headers, origin: instance, cookie: `${sessionCookie(false).name}=${token}` },
        data: Buffer.from(body, "latin1"),
        maxRedirects: 0,
      });
      const redirect = response.headers()["x-action-redirect"]?.split(";")[0] ?? null;
      await context.dispose();
      return { instance, status: response.status(), redirect };
    }),
  );
  // No 5xx: both instances ran the action (Next.js answers a refused origin with a 500).
  expect(responses.filter((response) => response.status >= 500)).toEqual([]);
  expect(responses.filter((response) => response.redirect === "/")).toHaveLength(1);
  expect(
    await db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.stage, "active"))),
  ).toHaveLength(1);
});

test("the API rate limit counts a token's requests on both instances together", async ({ db, baseURL, createUser }) => {
  const robot = await createUser();
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, robot.id));
  const { token } = await createApiToken(db, { userId: robot.id, name: "two instances", createdByUserId: null });

  // Both instances allow 30 a minute (playwright.config.ts): 40 requests at once, half to each, let 30 through.
  const statuses = await Promise.all(
    Array.from({ length: 40 }, async (_, index) => {
      const context = await playwrightRequest.newContext({ baseURL: index % 2 === 0 ? baseURL! : instanceB });
      const response = await context.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
      const status = response.status();
      await context.dispose();
      return status;
    }),
  );
  expect(statuses.filter((status) => status === 200)).toHaveLength(30);
  expect(statuses.filter((status) => status === 429)).toHaveLength(10);
});

test("the sign-in throttle counts failures on both instances together", async ({
  browser,
  page,
  clientIp,
  createUser,
}) => {
  const user = await createUser();
  const pageOnB = await (await browserOnB(browser, clientIp)).newPage();
  // Ten wrong passwords from one address, alternately on A and B: five on each.
  for (let attempt = 1; attempt <= 10; attempt++) {
    const onPage = attempt % 2 === 0 ? pageOnB : page;
    await signInWithForm(onPage, { email: user.email, password: `wrong guess ${attempt}` });
    await expect(onPage.getByRole("status")).toHaveText("Incorrect email or password.");
  }
  for (const onPage of [page, pageOnB]) {
    await signInWithForm(onPage, user);
    await expect(onPage.getByRole("status")).toHaveText(LOCKED_FOR_ABOUT_15_MINUTES);
    await expect(onPage).toHaveURL("/login");
  }
  await pageOnB.context().close();
});
