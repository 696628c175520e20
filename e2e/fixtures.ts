import crypto from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type BrowserContext, type Locator, type Page } from "@playwright/test";
import { and, desc, eq } from "drizzle-orm";
import { earlierBy } from "@/db/portable-sql";
import { closeDatabase, openDatabase, type Db } from "@/db";
import {
  oneTimeCodes,
  organisations,
  outbox,
  roles,
  totpCredentials,
  userRoles,
  users,
  type NewUser,
  type Permission,
} from "@/db/schema";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";
import { encryptSecret } from "@/lib/keys/secrets";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { generateTotpSecret, totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { hashPassword } from "@/lib/auth/passwords";
import { createSession } from "@/lib/auth/sessions";
import { sessionCookie } from "@/lib/auth/cookie-definitions";

export type TestUser = {
  id: number;
  organisationId: number;
  email: string;
  name: string;
  password: string;
  /** Set when the user was created with an authenticator app. */
  totpSecret?: string;
  recoveryCodes?: string[];
};

export type UserOptions = {
  permissions?: Permission[];
  organisationId?: number;
  name?: string;
  totp?: boolean;
  /** Anything else about the user: a requirement, a verified mobile number… */
  columns?: Partial<
    Pick<
      NewUser,
      | "twoFactorRequirement"
      | "mobileNumber"
      | "mobileVerifiedAt"
      | "codeDelivery"
      | "codesEnabledAt"
      | "preferredTwoFactorMethod"
    >
  >;
};

/** The key the e2e server encrypts with (playwright.config.ts). */
export const encryptionKey = () => Buffer.from(process.env.E2E_ENCRYPTION_KEY!, "base64");
/** The e2e server's key ring: that one key. */
export const keyRing = (): KeyRing => createKeyRing([encryptionKey()]);

type Fixtures = {
  db: Db;
  createUser: (options?: UserOptions) => Promise<TestUser>;
  /** Puts a fresh active session for `user` into `context`, as a finished sign-in would. */
  signInAs: (context: BrowserContext, user: TestUser) => Promise<string>;
  /** The client address this test's requests appear to come from. */
  clientIp: string;
};

export const test = base.extend<Fixtures, { workerDb: Db }>({
  workerDb: [
    async ({}, use) => {
      // The e2e server's database, SQLite or PostgreSQL (playwright.config.ts).
      const db = openDatabase(process.env.E2E_DATABASE_URL ?? `file:${process.env.E2E_DATABASE}`);
      await use(db);
      await closeDatabase(db);
    },
    { scope: "worker" },
  ],
  db: async ({ workerDb }, use) => use(workerDb),

  // Each test signs in from its own address, so per-IP throttling in one test
  // cannot spill into another.
  clientIp: async ({}, use) => use(`198.18.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`),
  extraHTTPHeaders: async ({ clientIp }, use) => use({ "x-forwarded-for": clientIp }),

  createUser: async ({ db }, use) => {
    await use(async (options = {}) => {
      const organisationId =
        options.organisationId ??
        (
          await db
            .insert(organisations)
            .values({ name: `Org ${crypto.randomUUID().slice(0, 8)}` })
            .returning()
        )[0]!.id;
      const password = `pw-${crypto.randomBytes(9).toString("base64url")}`;
      const name = options.name ?? `Test ${crypto.randomUUID().slice(0, 6)}`;
      const user = (
        await db
          .insert(users)
          .values({
            organisationId,
            email: `${crypto.randomUUID()}@example.com`,
            name,
            passwordHash: await hashPassword(password),
            ...options.columns,
          })
          .returning()
      )[0]!;
      if (options.permissions?.length) {
        const role = (
          await db
            .insert(roles)
            .values({
              organisationId,
              name: `Role ${crypto.randomUUID().slice(0, 8)}`,
              permissions: options.permissions,
            })
            .returning()
        )[0]!;
        await db.insert(userRoles).values({ userId: user.id, roleId: role.id });
      }
      const created: TestUser = { id: user.id, organisationId, email: user.email, name, password };
      if (options.totp) {
        created.totpSecret = generateTotpSecret();
        await db.insert(totpCredentials).values({
          userId: user.id,
          secretEncrypted: encryptSecret(created.totpSecret, totpSecretBinding(user.id), keyRing()),
          confirmedAt: new Date(),
        });
        created.recoveryCodes = await replaceRecoveryCodes(db, user.id, keyRing());
      }
      return created;
    });
  },

  signInAs: async ({ db, baseURL }, use) => {
    await use(async (context, user) => {
      const { token } = await createSession(db, {
        userId: user.id,
        stage: "active",
        context: { ip: "198.18.0.1", userAgent: "e2e" },
      });
      const cookie = sessionCookie(false);
      await context.addCookies([{ name: cookie.name, value: token, url: baseURL!, httpOnly: true, sameSite: "Lax" }]);
      return token;
    });
  },
});

export { expect };

/** axe's WCAG 2.1 A/AA rules and best practices: no violation on the page as it is now. */
export async function expectNoAxeViolations(page: Page) {
  // Next streams a page's metadata: after a server action re-renders it, the
  // <title> can arrive a moment after the body. Wait for it (failing if it
  // never comes) rather than let axe catch the page in between.
  await expect(page).toHaveTitle(/\S/);
  // A button that has just stopped being busy fades back to its colour
  // (transition-colors): measured mid-fade, its contrast is not what anyone reads.
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== "running"));
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  expect(
    results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(", ")}`),
  ).toEqual([]);
}

/**
 * Presses "Sign out" and waits for the sign-in page. Going on before the redirect lands races the
 * sign-out: a navigation started meanwhile can reach the server while the session still exists.
 */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/login");
}

/**
 * The lock-out message after ten failures. The lock runs 15 minutes from the first failure and the
 * message rounds up, so ten slow attempts (over a minute on a busy machine) read "14 minutes".
 */
export const LOCKED_FOR_ABOUT_15_MINUTES = /^Too many failed sign-ins\. Try again in 1[45] minutes\.$/;

/**
 * Reloads until `check` passes: for a page that shows work a background job records (a webhook's
 * delivery), where one reload can land before the job's write.
 */
export async function reloadUntil(page: Page, check: () => Promise<void>, timeout = 15_000) {
  await expect(async () => {
    await page.reload();
    await check();
  }).toPass({ timeout });
}

/** An address no other test (in any worker) uses: "nina-1a2b3c4d@example.com". */
export const uniqueEmail = (who: string) => `${who}-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** Signs in through the real form. */
export async function signInWithForm(page: Page, user: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * A code the server will accept now: for a step after the last one the user
 * spent (codes are single-use), waiting for the clock when both usable steps
 * are spent.
 */
export async function freshTotpCode(db: Db, user: { id: number }, secret: string): Promise<string> {
  for (;;) {
    const last = (
      await db
        .select({ step: totpCredentials.lastUsedStep })
        .from(totpCredentials)
        .where(eq(totpCredentials.userId, user.id))
    )[0]?.step;
    const now = Date.now();
    const currentStep = Math.floor(now / 30_000);
    const step = Math.max(currentStep, (last ?? -1) + 1);
    if (step <= currentStep + 1) return totpCodeAt(secret, new Date(step * 30_000 + 1_000));
    await new Promise((resolve) => setTimeout(resolve, (currentStep + 1) * 30_000 - now + 50));
  }
}

/** Fails the test if the server answers anything with a 5xx while `page` is open. */
export function failOnServerErrors(page: Page) {
  const errors: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 500) errors.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  return () => expect(errors, "server errors").toEqual([]);
}

/** The code in a message, as a user would read it: on a line of its own in an email, first in an SMS. */
export function codeIn(text: string): string {
  const code = (/^\s*(\d{6})\s*$/m.exec(text) ?? /^(\d{6}) is /.exec(text))?.[1];
  if (!code) throw new Error(`no code in: ${text}`);
  return code;
}

/** The emails the outbox holds for `to`, newest first. */
export async function outboxEmails(db: Db, to: string) {
  return await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.to, to), eq(outbox.channel, "email")))
    .orderBy(desc(outbox.id));
}

/** The text messages the Twilio stand-in received for `to`, oldest first. */
export async function textMessagesTo(to: string): Promise<string[]> {
  const response = await fetch(`${process.env.E2E_TWILIO_URL}/_stand-in/received?to=${encodeURIComponent(to)}`);
  const received = (await response.json()) as Array<{ body: { Body: string } }>;
  return received.map((message) => message.body.Body);
}

/** Makes the Twilio stand-in refuse, fail or hang for one number. */
export async function setTwilioBehaviour(to: string, behaviour: "accept" | "reject" | "fail" | "hang") {
  await fetch(`${process.env.E2E_TWILIO_URL}/_stand-in/behaviour`, {
    method: "POST",
    body: JSON.stringify({ to, behaviour }),
  });
}

/** A valid mobile number no test shares with another. */
export function uniqueMobileNumber(): string {
  return `+447400${String(crypto.randomInt(100_000, 999_999))}`;
}

/**
 * Moves a user's sent codes `ms` into the past: the server's clock, as far as
 * these codes know, has moved on (no test waits two minutes).
 */
export async function ageCodes(db: Db, userId: number, ms: number) {
  await db
    .update(oneTimeCodes)
    .set({ createdAt: earlierBy(oneTimeCodes.createdAt, ms), expiresAt: earlierBy(oneTimeCodes.expiresAt, ms) })
    .where(eq(oneTimeCodes.userId, userId));
}

/**
 * Goes ahead in the open confirmation dialog. Scoped to the dialog: a name
 * like "Sign out" also matches "Sign out everywhere" and the header's button.
 */
export async function confirmInDialog(page: Page, confirmLabel: string) {
  await submitAndWait(page, page.getByRole("dialog").getByRole("button", { name: confirmLabel, exact: true }));
}

/**
 * Clicks a form's submit button and waits for the server's answer, so an
 * assertion after it cannot pass on the previous submission's message.
 */
export async function submitAndWait(page: Page, button: Locator) {
  await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), button.click()]);
}
