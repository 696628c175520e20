import type { Browser, BrowserContextOptions, Page } from "@playwright/test";
import type { Db } from "@/db";
import { expect, outboxEmails, submitAndWait, uniqueEmail } from "./fixtures";

/** The two sizes every page is looked at: a laptop and a phone. */
export const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

type Login = { email: string; password: string };

export type PageWalk = {
  browser: Browser;
  /** What each new browser context needs: the base URL, and the test's client address. */
  contextOptions: BrowserContextOptions;
  db: Db;
  /** Holds every admin permission, and a second factor `passSecondStep` can answer. */
  admin: Login & { passSecondStep: (page: Page) => Promise<void> };
  /** Signs in with a password alone. */
  member: Login;
  /** Someone who must set up 2FA at sign-in: /login/setup. */
  needsSetup: Login;
  /** A user of the admin's organisation whose admin page is shown. */
  colleagueId: number;
  /** Called on every page as it stands, with a name for it ("admin-users"). */
  visit: (page: Page, name: string) => Promise<void>;
};

async function signIn(page: Page, login: Login) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password").fill(login.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function show(page: Page, visit: PageWalk["visit"], path: string, name: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
  await visit(page, name);
}

/**
 * Every page of Twofold, in the order a visitor, an administrator and a
 * member meet them. Shared by e2e/layout.spec.ts (which checks each) and
 * `npm run screenshots` (which photographs each), so both cover the same list.
 */
export async function walkEveryPage(walk: PageWalk) {
  const { browser, contextOptions, db, admin, member, needsSetup, colleagueId, visit } = walk;
  const fresh = async () => (await browser.newContext(contextOptions)).newPage();

  const visitor = await fresh();
  await show(visitor, visit, "/login", "login");
  await show(visitor, visit, "/login/forgot", "login-forgot");
  await show(visitor, visit, "/dev/outbox", "dev-outbox");
  await visitor.goto("/no-such-page");
  await visit(visitor, "not-found");
  await visitor.context().close();

  const setup = await fresh();
  await signIn(setup, needsSetup);
  await expect(setup).toHaveURL("/login/setup");
  await visit(setup, "login-setup");
  await setup.context().close();

  const page = await fresh();
  await signIn(page, admin);
  await expect(page).toHaveURL("/login/two-factor");
  await visit(page, "login-two-factor");
  await admin.passSecondStep(page);
  await expect(page).toHaveURL("/");
  await visit(page, "dashboard-admin");
  for (const [path, name] of [
    ["/profile", "profile-admin"],
    [`/admin/users/${colleagueId}`, "admin-user"],
    ["/admin", "admin-overview"],
    ["/admin/roles", "admin-roles"],
    ["/admin/groups", "admin-groups"],
    ["/admin/audit", "admin-audit"],
    ["/admin/settings", "admin-settings"],
    ["/confirm-access", "confirm-access"],
  ] as const) {
    await show(page, visit, path, name);
  }
  // An answer at the bottom of a long form: where it lands after "Save".
  await page.goto("/admin/settings");
  await submitAndWait(page, page.getByRole("button", { name: "Save", exact: true }));
  await expect(page.getByText(/^Settings saved/)).toBeInViewport();
  await visit(page, "admin-settings-saved");

  // An invitation, sent from the users page and opened signed out, as the invitee would.
  await show(page, visit, "/admin/users", "admin-users");
  const invitee = uniqueEmail("invitee");
  await page.getByRole("button", { name: "Invite people" }).click();
  const form = page.getByRole("form", { name: "Invite people" });
  await form.getByLabel("Email address").fill(invitee);
  await submitAndWait(page, form.getByRole("button", { name: "Send invitation" }));
  const link = /https?:\/\/\S+(\/invite\/[\w-]+)/.exec((await outboxEmails(db, invitee))[0]?.body ?? "")?.[1];
  expect(link, "invitation link").toBeTruthy();
  await page.context().close();
  const invited = await fresh();
  await show(invited, visit, link!, "invite");
  await invited.context().close();

  const memberPage = await fresh();
  await signIn(memberPage, member);
  await expect(memberPage).toHaveURL("/");
  await visit(memberPage, "dashboard-member");
  await show(memberPage, visit, "/profile", "profile-member");
  await memberPage.goto("/admin/settings");
  await visit(memberPage, "forbidden");
  await memberPage.context().close();
}
