import { eq } from "drizzle-orm";
import { request as playwrightRequest, type Page, type Request } from "@playwright/test";
import { organisations, sessions, users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";
import { expect, test } from "./fixtures";
import { allPages, allServerActions, type ServerAction } from "./manifests";

/** Runs `submit` in the page and returns the server-action POST it made, to replay as someone else. */
async function captureAction(page: Page, submit: () => Promise<void>): Promise<Request> {
  const posted = page.waitForRequest(
    (request) => request.method() === "POST" && Boolean(request.headers()["next-action"]),
  );
  await submit();
  return posted;
}

/** Sends the captured action again, with `cookie` (or none) instead of the original session. */
async function replay(action: Request, baseURL: string, cookie?: string) {
  const context = await playwrightRequest.newContext({ baseURL });
  const headers = { ...action.headers() };
  delete headers.cookie;
  if (cookie) headers.cookie = cookie;
  const response = await context.fetch(action.url(), {
    method: "POST",
    headers,
    data: action.postDataBuffer() ?? undefined,
    maxRedirects: 0,
  });
  const result = { status: response.status(), headers: response.headers(), body: await response.text() };
  await context.dispose();
  return result;
}

/**
 * Where the server sent the caller instead of running the action: proxy.ts
 * answers with a plain 307; an action's guard with Next's x-action-redirect.
 */
function redirectTarget(response: { status: number; headers: Record<string, string> }): string | undefined {
  if (response.status === 307) return response.headers.location;
  return response.headers["x-action-redirect"]?.split(";")[0];
}

test("server actions refuse a direct POST without a session, or with one lacking the permission", async ({
  page,
  context,
  db,
  baseURL,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["settings:manage"] });
  const member = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);
  await page.goto("/admin/settings");

  // Capture the real requests an admin's browser sends.
  await page.getByLabel("Session duration (days)").fill("12");
  const saveSettings = await captureAction(page, () => page.getByRole("button", { name: "Save", exact: true }).click());
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await db.update(organisations).set({ sessionDurationDays: 90 }).where(eq(organisations.id, admin.organisationId));

  await page.goto("/profile");
  await page.getByLabel("Name", { exact: true }).fill("Renamed By Replay");
  const updateProfile = await captureAction(page, () => page.getByRole("button", { name: "Save details" }).click());
  await expect(page.getByText("Your details were saved.")).toBeVisible();
  await db.update(users).set({ name: admin.name }).where(eq(users.id, admin.id));

  // Without any session cookie proxy.ts turns the request away; with a made-up
  // one it lets it through, and the action's own guard refuses it.
  for (const action of [saveSettings, updateProfile]) {
    for (const cookie of [undefined, `${sessionCookie(false).name}=made-up-token`]) {
      const response = await replay(action, baseURL!, cookie);
      // A cookie that finds no session is told the session ended; no cookie, just the sign-in page.
      expect(redirectTarget(response)).toBe(cookie ? "/login?reason=session-ended" : "/login");
    }
  }
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionDurationDays,
  ).toBe(90);
  expect((await db.select().from(users).where(eq(users.id, admin.id)))[0]!.name).toBe(admin.name);

  // With a member's session: the settings action answers 403 and changes nothing.
  const { token } = await createSession(db, {
    userId: member.id,
    stage: "active",
    context: { ip: null, userAgent: null },
  });
  const memberCookie = `${sessionCookie(false).name}=${token}`;
  const forbidden = await replay(saveSettings, baseURL!, memberCookie);
  expect(forbidden.status).toBe(403);
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionDurationDays,
  ).toBe(90);

  // A half-signed-in session (password done, second factor owed) is refused too.
  const halfway = await createSession(db, {
    userId: admin.id,
    stage: "password",
    context: { ip: null, userAgent: null },
  });
  const halfwayResponse = await replay(saveSettings, baseURL!, `${sessionCookie(false).name}=${halfway.token}`);
  expect(redirectTarget(halfwayResponse)).toBe("/login/two-factor");
  expect(
    (await db.select().from(organisations).where(eq(organisations.id, admin.organisationId)))[0]!.sessionDurationDays,
  ).toBe(90);

  // The member's own profile action still works for the member: the guard, not the replay, made the difference.
  const ownUpdate = await replay(updateProfile, baseURL!, memberCookie);
  expect(ownUpdate.status).toBe(200);
  expect((await db.select().from(users).where(eq(users.id, member.id)))[0]!.name).toBe("Renamed By Replay");
  expect((await db.select().from(users).where(eq(users.id, admin.id)))[0]!.name).toBe(admin.name);
});

test("a member without the permission gets a 403 page for admin settings and no link to it", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  await signInAs(context, await createUser());
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  const response = await page.goto("/admin/settings");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
});

/** Posts straight to a server action by its id, with no arguments at all. */
async function postAction(baseURL: string, action: ServerAction, cookie?: string) {
  const context = await playwrightRequest.newContext({ baseURL });
  const response = await context.post(action.page, {
    headers: {
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      // Meant to make Next.js skip proxy.ts; the guards must not care.
      "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy",
      ...(cookie ? { cookie } : {}),
    },
    data: "[]",
    maxRedirects: 0,
  });
  const result = { status: response.status(), headers: response.headers() };
  await context.dispose();
  return result;
}

/**
 * Actions anyone may call: the password step of signing in, starting a sign-in
 * with SSO, accepting an invitation and setting a new password through a
 * reset link (the link is the credential), asking for a reset link, and
 * signing in with a passkey (the options, then the passkey's answer).
 */
const PUBLIC_ACTIONS = new Set([
  "signInAction",
  "passwordlessOptionsAction",
  "passwordlessSignInAction",
  "signInWithSsoAction",
  "acceptInvitationAction",
  "requestPasswordResetAction",
  "resetPasswordAction",
]);
/** "/api/auth/1" is Auth.js's route handler: only the identity provider's callback, 404 for anything else (sso.spec.ts). The health checks are for load balancers (instances.spec.ts). */
const PUBLIC_PAGES = new Set([
  "/login",
  "/dev/outbox",
  "/api/auth/1",
  "/invite/1",
  "/login/reset/1",
  "/healthz",
  "/readyz",
]);

test("every server action refuses a caller with no session", async ({ baseURL }) => {
  const actions = allServerActions().filter((action) => !PUBLIC_ACTIONS.has(action.name));
  expect(actions.length).toBeGreaterThan(5);
  for (const action of actions) {
    const response = await postAction(baseURL!, action, `${sessionCookie(false).name}=made-up-token`);
    // Told the session ended, or, signing out, simply back at /login.
    expect(redirectTarget(response), `${action.file} ${action.name}`).toMatch(/^\/login(\?reason=session-ended)?$/);
    expect(response.status, action.name).toBeLessThan(500);
  }
});

const HALF_SIGNED_IN = [
  {
    stage: "password",
    home: "/login/two-factor",
    allowed: [
      "verifySecondFactorAction",
      "passkeyChallengeOptionsAction",
      "verifyPasskeyChallengeAction",
      "sendNewCodeAction",
      "switchToCodeAction",
      "continueWithDuoAction",
      "requestRecoveryAction",
      "signOutAction",
    ],
    alsoReaches: [],
  },
  {
    stage: "setup",
    home: "/login/setup",
    allowed: [
      "startSetupAction",
      "confirmSetupAction",
      "startSetupPasskeyAction",
      "finishSetupPasskeyAction",
      "finishSetupAction",
      "skipSetupAction",
      "startDuoSetupAction",
      "signOutAction",
    ],
    alsoReaches: [],
  },
  {
    stage: "email_setup",
    home: "/login/setup/email",
    allowed: ["resendSetupLinkAction", "skipEmailSetupAction", "continueWithSetupLinkAction", "signOutAction"],
    // The emailed link opens there, in the session that asked for it.
    alsoReaches: ["/login/setup/link/1"],
  },
] as const;

for (const { stage, home, allowed, alsoReaches } of HALF_SIGNED_IN) {
  test(`a session in the ${stage} stage reaches no page and no action but ${home}`, async ({
    db,
    baseURL,
    createUser,
  }) => {
    const user = await createUser({
      permissions: ["users:read", "users:manage", "roles:manage", "settings:manage", "audit:read"],
      totp: true,
    });
    const { token } = await createSession(db, { userId: user.id, stage, context: { ip: null, userAgent: null } });
    const cookie = `${sessionCookie(false).name}=${token}`;

    // The API answers for itself: a token or a JSON 401, never a session (e2e/api.spec.ts).
    const pages = allPages().filter(
      (page) =>
        !PUBLIC_PAGES.has(page) &&
        page !== home &&
        !page.startsWith("/api/v1/") &&
        !(alsoReaches as readonly string[]).includes(page),
    );
    expect(pages.length).toBeGreaterThanOrEqual(8);
    const context = await playwrightRequest.newContext({ baseURL });
    for (const page of pages) {
      const response = await context.get(page, {
        maxRedirects: 0,
        headers: { cookie, "x-middleware-subrequest": "proxy:proxy:proxy:proxy:proxy" },
      });
      expect(response.status(), page).toBe(307);
      expect(response.headers().location, page).toBe(home);
    }
    await context.dispose();

    const actions = allServerActions().filter(
      (action) => !PUBLIC_ACTIONS.has(action.name) && !(allowed as readonly string[]).includes(action.name),
    );
    expect(actions.length).toBeGreaterThanOrEqual(15);
    for (const action of actions) {
      const response = await postAction(baseURL!, action, cookie);
      expect(redirectTarget(response), `${action.file} ${action.name}`).toBe(home);
    }
    // The session itself is untouched by all of that, and still only half signed in.
    expect((await db.select().from(sessions).where(eq(sessions.userId, user.id))).map((row) => row.stage)).toEqual([
      stage,
    ]);
  });
}

test("actions a half-signed-in session may use answer a malformed call with a form error, never a 500", async ({
  db,
  baseURL,
  createUser,
}) => {
  const user = await createUser({ totp: true });
  for (const [stage, name] of [
    ["password", "verifySecondFactorAction"],
    ["setup", "confirmSetupAction"],
    ["email_setup", "continueWithSetupLinkAction"],
  ] as const) {
    const { token } = await createSession(db, { userId: user.id, stage, context: { ip: null, userAgent: null } });
    const action = allServerActions().find((candidate) => candidate.name === name)!;
    const response = await postAction(baseURL!, action, `${sessionCookie(false).name}=${token}`);
    expect(response.status, name).toBe(200);
  }
});
