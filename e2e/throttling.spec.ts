import { and, eq } from "drizzle-orm";
import { auditEvents, organisations } from "@/db/schema";
import { expect, freshTotpCode, LOCKED_FOR_ABOUT_15_MINUTES, signInWithForm, signOut, test } from "./fixtures";

// Each journey makes twenty or more password checks (argon2 at OWASP parameters) and waits out slow-downs:
// on a busy two-core machine that can pass a minute.
test.describe.configure({ timeout: 120_000 });

test("ten wrong passwords from one address lock that address out of the account, not the owner elsewhere", async ({
  browser,
  page,
  createUser,
}) => {
  const user = await createUser();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await signInWithForm(page, { email: user.email, password: `wrong guess ${attempt}` });
    await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  }
  await signInWithForm(page, user);
  await expect(page.getByRole("status")).toHaveText(LOCKED_FOR_ABOUT_15_MINUTES);
  await expect(page).toHaveURL("/login");

  // The owner, from another address, is not locked out by a guesser's failures.
  const elsewhere = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.0.77" } });
  const otherPage = await elsewhere.newPage();
  await signInWithForm(otherPage, user);
  await expect(otherPage).toHaveURL("/");
  await elsewhere.close();
});

test("failures for many accounts from one address do not lock out a colleague behind the same address", async ({
  page,
  createUser,
}) => {
  const user = await createUser();
  for (let attempt = 1; attempt <= 12; attempt++) {
    await signInWithForm(page, { email: `nobody-${attempt}@example.com`, password: "guess" });
    await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  }
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
});

test("A stranger sends wrong passwords for Alice from 20 addresses; Alice still signs in from her usual browser with her password and code", async ({
  browser,
  db,
  createUser,
}) => {
  const alice = await createUser({ name: "Alice", totp: true });
  // A stricter account limit than the default hundred, so twenty guesses are enough to reach it.
  await db.update(organisations).set({ accountFailureLimit: 5 }).where(eq(organisations.id, alice.organisationId));

  const usual = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.10.10" } });
  const alicePage = await usual.newPage();
  await test.step("Alice signs in from her usual browser, which becomes known", async () => {
    await signInWithForm(alicePage, alice);
    await expect(alicePage).toHaveURL("/login/two-factor");
    await alicePage.getByLabel("Code").fill(await freshTotpCode(db, alice, alice.totpSecret!));
    await alicePage.getByRole("button", { name: "Verify" }).click();
    await expect(alicePage).toHaveURL("/");
    await signOut(alicePage);
  });

  const strangers = await browser.newContext();
  const strangerPage = await strangers.newPage();
  const answers: string[] = [];
  await test.step("a stranger sends wrong passwords from twenty addresses", async () => {
    for (let address = 1; address <= 20; address++) {
      await strangerPage.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${address}` });
      await signInWithForm(strangerPage, { email: alice.email, password: `guess ${address}` });
      const status = strangerPage.getByRole("status");
      await expect(status).toHaveText(
        /Incorrect email or password\.|Too many failed sign-ins\. Try again in \d+ (seconds?|minutes?)\./,
      );
      answers.push((await status.textContent()) ?? "");
    }
  });
  // The account slowed down: past its limit the stranger waited between guesses.
  expect(answers.filter((answer) => answer.startsWith("Too many failed sign-ins")).length).toBeGreaterThan(0);
  const throttled = await db
    .select({ details: auditEvents.details })
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, alice.id), eq(auditEvents.type, "sign_in.throttled")));
  expect(throttled.map((event) => event.details?.limit)).toContain("account");

  await test.step("Alice signs in from her usual browser with her password and code", async () => {
    await signInWithForm(alicePage, alice);
    await expect(alicePage).toHaveURL("/login/two-factor");
    await alicePage.getByLabel("Code").fill(await freshTotpCode(db, alice, alice.totpSecret!));
    await alicePage.getByRole("button", { name: "Verify" }).click();
    await expect(alicePage).toHaveURL("/");
  });
  await usual.close();
  await strangers.close();
});
