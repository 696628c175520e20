import { request as playwrightRequest, type Page } from "@playwright/test";
import { PERMISSIONS } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { expect, test } from "./fixtures";
import { allPages } from "./manifests";

/*
 * Every page and route handler of the build answers with a Content-Security-
 * Policy whose nonce is new for each response and is the one on every script
 * the page carries, and with the other security headers. The e2e server runs
 * over http (APP_URL http://127.0.0.1:…), so no HSTS and no upgrade.
 */

const NONCE = /script-src 'self' 'nonce-([A-Za-z0-9+/]+={0,2})' 'strict-dynamic';/;

function nonceOf(policy: string | undefined): string {
  const match = NONCE.exec(policy ?? "");
  expect(match, `policy: ${policy}`).not.toBeNull();
  return match![1]!;
}

function expectStrictPolicy(policy: string, where: string) {
  for (const directive of [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "img-src 'self' data: blob:",
  ]) {
    expect(policy, where).toContain(directive);
  }
  expect(policy, where).not.toContain("unsafe-eval");
  expect(policy, where).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(policy, where).not.toContain("upgrade-insecure-requests");
}

function expectStaticHeaders(headers: Record<string, string>, where: string) {
  expect(headers["x-frame-options"], where).toBe("DENY");
  expect(headers["x-content-type-options"], where).toBe("nosniff");
  expect(headers["referrer-policy"], where).toBe("same-origin");
  expect(headers["permissions-policy"], where).toBe("camera=(), microphone=(), geolocation=()");
  expect(headers["strict-transport-security"], where).toBeUndefined();
  expect(headers["x-powered-by"], where).toBeUndefined();
}

/** Every <script> tag of an HTML page: each must carry this response's nonce, or the browser refuses it. */
function scriptNonces(html: string): (string | null)[] {
  return [...html.matchAll(/<script\b[^>]*>/g)].map((tag) => /\snonce="([^"]*)"/.exec(tag[0])?.[1] ?? null);
}

test("every page and route handler sends a fresh CSP nonce, on all its scripts, and the other security headers", async ({
  db,
  baseURL,
  createUser,
}) => {
  const admin = await createUser({ permissions: [...PERMISSIONS], totp: true });
  const { token } = await createSession(db, {
    userId: admin.id,
    stage: "active",
    context: { ip: null, userAgent: null },
  });
  const pages = [...allPages(), "/no-such-page"];
  expect(pages.length).toBeGreaterThanOrEqual(20);
  let htmlPages = 0;
  for (const cookie of [`${sessionCookie(false).name}=${token}`, undefined]) {
    const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: cookie ? { cookie } : {} });
    for (const path of pages) {
      const where = `${path} ${cookie ? "signed in" : "signed out"}`;
      const first = await context.get(path, { maxRedirects: 0 });
      const second = await context.get(path, { maxRedirects: 0 });
      expect(first.status(), where).toBeLessThan(500);
      const policy = first.headers()["content-security-policy"]!;
      expectStrictPolicy(policy, where);
      expectStaticHeaders(first.headers(), where);
      const nonce = nonceOf(policy);
      expect(nonceOf(second.headers()["content-security-policy"]), where).not.toBe(nonce);
      if (first.headers()["content-type"]?.startsWith("text/html")) {
        htmlPages++;
        const nonces = scriptNonces(await first.text());
        expect(nonces.length, where).toBeGreaterThan(0);
        expect(new Set(nonces), where).toEqual(new Set([nonce]));
      }
    }
    await context.dispose();
  }
  // Pages rendered for a signed-in admin and for a visitor, 404s included: not just redirects.
  expect(htmlPages).toBeGreaterThanOrEqual(15);
});

/** Records what the browser itself reports: CSP violations (as events and console messages) and script errors. */
async function watchForViolations(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { cspViolations: string[] }).cspViolations ??= [];
      (window as unknown as { cspViolations: string[] }).cspViolations.push(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return problems;
}

async function expectHydratedWithoutViolations(page: Page, path: string, problems: string[]) {
  await page.goto(path);
  // React marks the elements it has hydrated; a page whose scripts were blocked never gets there.
  await page.waitForFunction(
    () => Object.keys(document.body).some((key) => key.startsWith("__reactFiber$")),
    undefined,
    { timeout: 15_000 },
  );
  const violations = await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
  expect([...violations, ...problems], path).toEqual([]);
}

test("key pages hydrate with no CSP violation in the browser", async ({
  page,
  browser,
  context,
  createUser,
  signInAs,
}) => {
  const visitor = await browser.newPage();
  const visitorProblems = await watchForViolations(visitor);
  for (const path of ["/login", "/login/forgot", "/no-such-page"])
    await expectHydratedWithoutViolations(visitor, path, visitorProblems);
  await visitor.close();

  const problems = await watchForViolations(page);
  await signInAs(context, await createUser({ permissions: [...PERMISSIONS], totp: true }));
  for (const path of ["/", "/profile", "/admin/users", "/admin/settings", "/admin/audit"])
    await expectHydratedWithoutViolations(page, path, problems);
});

test("every page of the build hydrates for a signed-in administrator with no CSP violation", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  const problems = await watchForViolations(page);
  await signInAs(context, await createUser({ permissions: [...PERMISSIONS], totp: true }));
  // Route handlers answer JSON, redirect elsewhere or download a CSV: their headers are checked above.
  const pages = allPages().filter(
    (path) =>
      !path.startsWith("/api/") &&
      !path.startsWith("/login/duo/") &&
      !path.endsWith("/export") &&
      !["/healthz", "/readyz"].includes(path),
  );
  expect(pages.length).toBeGreaterThanOrEqual(15);
  for (const path of pages) await expectHydratedWithoutViolations(page, path, problems);
});
