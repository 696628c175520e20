import { eq } from "drizzle-orm";
import { auditEvents, oneTimeCodes, organisations } from "@/db/schema";
import {
  ageCodes,
  codeIn,
  expect,
  failOnServerErrors,
  freshTotpCode,
  outboxEmails,
  setTwilioBehaviour,
  signInWithForm,
  signOut,
  submitAndWait,
  test,
  textMessagesTo,
  uniqueMobileNumber,
} from "./fixtures";

/*
 * Codes by SMS or email. Email stays in the outbox; text messages go through
 * the real Twilio SDK to the stand-in that playwright.config.ts starts.
 */

const required = { twoFactorRequirement: "required" } as const;

test.describe("codes by email", () => {
  test("a required user without an app signs in with the code read from the outbox", async ({
    page,
    db,
    createUser,
  }) => {
    const noServerErrors = failOnServerErrors(page);
    const user = await createUser({ columns: required });
    await signInWithForm(page, user);
    await expect(page).toHaveURL(/\/login\/two-factor$/);
    const masked = `${user.email[0]}•••@example.com`;
    await expect(page.getByText(`We sent a 6-digit code by email to ${masked}.`)).toBeVisible();

    const [email] = await outboxEmails(db, user.email);
    expect(email?.subject).toMatch(/: your verification code$/);
    const code = codeIn(email!.body);
    expect(email?.html).toContain(code);
    // The page says where the code went, never what it is.
    expect(await page.content()).not.toContain(code);
    expect(page.url()).not.toContain(code);

    await page.getByLabel("Code").fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
    noServerErrors();
  });

  test("the outbox page lists the email with its code, in development-style setups", async ({
    page,
    db,
    createUser,
  }) => {
    const user = await createUser({ columns: required });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    const code = codeIn((await outboxEmails(db, user.email))[0]!.body);
    const outboxPage = await page.context().newPage();
    await outboxPage.goto("/dev/outbox");
    await expect(
      outboxPage
        .getByRole("article")
        .filter({ hasText: `to ${user.email}` })
        .first(),
    ).toContainText(code);
  });

  test("an expired code is refused, and a new one works", async ({ page, db, createUser }) => {
    const user = await createUser({ columns: required });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    const expired = codeIn((await outboxEmails(db, user.email))[0]!.body);
    await ageCodes(db, user.id, 2 * 60 * 1000 + 1000);

    await page.getByLabel("Code").fill(expired);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByText(/That code has expired: send a new code\./)).toBeVisible();

    await page.getByRole("button", { name: "Send a new code" }).click();
    await expect(page.getByRole("status").getByText(/We sent a code by email to/)).toBeVisible();
    const fresh = codeIn((await outboxEmails(db, user.email))[0]!.body);
    await page.getByLabel("Code").fill(fresh);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("a resent code voids the earlier one", async ({ page, db, createUser }) => {
    const user = await createUser({ columns: required });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    const first = codeIn((await outboxEmails(db, user.email))[0]!.body);
    await ageCodes(db, user.id, 31_000); // past the 30-second cooldown

    await submitAndWait(page, page.getByRole("button", { name: "Send a new code" }));
    await expect(page.getByRole("status").getByText(/We sent a code by email/)).toBeVisible();
    let second = codeIn((await outboxEmails(db, user.email))[0]!.body);
    // Two random codes are equal one time in a million: then ask once more, so the test always means something.
    if (second === first) {
      await ageCodes(db, user.id, 31_000);
      await submitAndWait(page, page.getByRole("button", { name: "Send a new code" }));
      second = codeIn((await outboxEmails(db, user.email))[0]!.body);
    }
    expect(second).not.toBe(first);

    await page.getByLabel("Code").fill(first);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page.getByText(/That code is not valid\. 4 attempts left\./)).toBeVisible();
    await page.getByLabel("Code").fill(second);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("floods of Send a new code stop at the cooldown and at five per account, as the outbox count shows", async ({
    page,
    db,
    createUser,
  }) => {
    const user = await createUser({ columns: required });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    const status = page.getByRole("status").filter({ hasText: /./ }).last();
    // Each press waits for the server's answer, so the next one never overtakes it.
    const press = () => submitAndWait(page, page.getByRole("button", { name: "Send a new code" }));

    // Within the 30-second cooldown, nothing more is sent however often it is pressed. The cooldown
    // restarts now, as if the code had just gone, however long the sign-in took on a busy machine.
    await db.update(oneTimeCodes).set({ createdAt: new Date() }).where(eq(oneTimeCodes.userId, user.id));
    for (let i = 0; i < 6; i++) {
      await press();
      await expect(status).toHaveText(/Please wait \d+ seconds? before asking for another code\./);
    }
    expect(await outboxEmails(db, user.email)).toHaveLength(1);

    // Past each cooldown, sends go on until five in fifteen minutes, then stop.
    for (let i = 0; i < 6; i++) {
      await ageCodes(db, user.id, 31_000);
      await press();
      await expect(status).toHaveText(/We sent a code by email|Too many codes were sent/);
    }
    await expect(status).toHaveText(/Too many codes were sent\. Try again in \d+ minutes?, or use another method\./);
    expect(await outboxEmails(db, user.email)).toHaveLength(5);

    // Signing in again does not reset it.
    await signOut(page);
    await signInWithForm(page, user);
    await expect(page.getByText("Send a code to continue.")).toBeVisible();
    expect(await outboxEmails(db, user.email)).toHaveLength(5);
  });
});

test.describe("codes by text message", () => {
  test("a user with a verified mobile gets an SMS through Twilio", async ({ page, db, createUser }) => {
    const mobileNumber = uniqueMobileNumber();
    const user = await createUser({ columns: { ...required, mobileNumber, mobileVerifiedAt: new Date() } });
    await signInWithForm(page, user);
    await expect(
      page.getByText(`We sent a 6-digit code by text message to •••• ${mobileNumber.slice(-4)}.`),
    ).toBeVisible();
    const [sms] = await textMessagesTo(mobileNumber);
    expect(sms).toMatch(/^\d{6} is your .+ verification code\. It expires in 2 minutes\./);
    expect(await outboxEmails(db, user.email)).toHaveLength(0);
    await page.getByLabel("Code").fill(codeIn(sms!));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);
  });

  test("an unverified number is not used: the code goes by email", async ({ page, db, createUser }) => {
    const mobileNumber = uniqueMobileNumber();
    const user = await createUser({ columns: { ...required, mobileNumber } });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    expect(await textMessagesTo(mobileNumber)).toHaveLength(0);
    expect(await outboxEmails(db, user.email)).toHaveLength(1);
  });

  test("when Twilio fails, the code arrives by email and the page says so", async ({ page, db, createUser }) => {
    const noServerErrors = failOnServerErrors(page);
    const mobileNumber = uniqueMobileNumber();
    await setTwilioBehaviour(mobileNumber, "fail");
    const user = await createUser({ columns: { ...required, mobileNumber, mobileVerifiedAt: new Date() } });
    await signInWithForm(page, user);
    await expect(
      page.getByText(/We could not send a text message to your phone, so we emailed a 6-digit code to .+ instead\./),
    ).toBeVisible();
    const code = codeIn((await outboxEmails(db, user.email))[0]!.body);
    const failure = (await db.select().from(auditEvents).where(eq(auditEvents.targetUserId, user.id))).find(
      (e) => e.type === "code.undelivered",
    );
    expect(failure?.details).toMatchObject({ channel: "sms", failure: "unavailable" });
    await page.getByLabel("Code").fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);
    noServerErrors();
  });

  test("an administrator's Email only sends codes by email despite a verified mobile", async ({
    page,
    db,
    createUser,
  }) => {
    const mobileNumber = uniqueMobileNumber();
    const user = await createUser({
      columns: { ...required, mobileNumber, mobileVerifiedAt: new Date(), codeDelivery: "email" },
    });
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    expect(await textMessagesTo(mobileNumber)).toHaveLength(0);
    expect(await outboxEmails(db, user.email)).toHaveLength(1);
  });
});

test.describe("choosing a method", () => {
  test("the challenge starts with the preferred method and offers the others", async ({ page, db, createUser }) => {
    const user = await createUser({ totp: true, columns: { codesEnabledAt: new Date() } });
    await signInWithForm(page, user);
    await expect(page.getByText(/Open your authenticator app/)).toBeVisible();
    expect(await outboxEmails(db, user.email)).toHaveLength(0);

    await page.getByRole("button", { name: "Email me a code instead" }).click();
    await expect(page).toHaveURL(/method=code/);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    await page.getByRole("link", { name: "Use your authenticator app instead" }).click();
    await expect(page.getByText(/Open your authenticator app/)).toBeVisible();
    await page.getByLabel("Code").fill(await freshTotpCode(db, user, user.totpSecret!));
    await page.getByRole("button", { name: "Verify" }).click();
    await expect(page).toHaveURL(/\/$/);

    // Preferring codes makes sign-in open with a code already sent.
    await page.goto("/profile");
    await page.getByRole("button", { name: "Make preferred method: Code by text message or email" }).click();
    await expect(page.getByText("Sign-in will start with: code by text message or email.")).toBeVisible();
    await signOut(page);
    await ageCodes(db, user.id, 31_000); // past the cooldown of the code sent a moment ago
    await signInWithForm(page, user);
    await expect(page.getByText(/We sent a 6-digit code by email/)).toBeVisible();
    await expect(page.getByRole("link", { name: "Use your authenticator app instead" })).toBeVisible();
  });

  test("no switch to codes when the organisation does not allow them", async ({ page, db, createUser }) => {
    const user = await createUser({
      totp: true,
      columns: { codesEnabledAt: new Date(), preferredTwoFactorMethod: "code" },
    });
    await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, user.organisationId));
    await signInWithForm(page, user);
    await expect(page.getByText(/Open your authenticator app/)).toBeVisible();
    await expect(page.getByRole("button", { name: /me a code instead/ })).toHaveCount(0);
    expect(await db.select().from(oneTimeCodes).where(eq(oneTimeCodes.userId, user.id))).toHaveLength(0);
  });
});

test.describe("profile", () => {
  test("a new mobile number is used only once a code sent to it is typed; the change needs the password and is emailed", async ({
    page,
    db,
    createUser,
    signInAs,
  }) => {
    const user = await createUser({ columns: required });
    await signInAs(page.context(), user);
    await page.goto("/profile");
    const mobileNumber = uniqueMobileNumber();
    const mobile = page.getByRole("region", { name: "Mobile number" });
    await expect(mobile.getByText("No mobile number: codes come by email.")).toBeVisible();
    await mobile.getByRole("button", { name: "Add a mobile number" }).click();

    await mobile.getByLabel("Mobile number").fill(mobileNumber);
    await mobile.getByLabel("Current password").fill("not my password");
    await mobile.getByRole("button", { name: "Save mobile number" }).click();
    await expect(mobile.getByText("That is not your current password.")).toBeVisible();
    expect(await textMessagesTo(mobileNumber)).toHaveLength(0);

    await mobile.getByLabel("Country").selectOption("US");
    await mobile.getByLabel("Mobile number").fill("07911 123456");
    await mobile.getByLabel("Current password").fill(user.password);
    await submitAndWait(page, mobile.getByRole("button", { name: "Save mobile number" }));
    await expect(mobile.getByText(/international format/).last()).toBeVisible();

    await mobile.getByLabel("Mobile number").fill(mobileNumber);
    await mobile.getByLabel("Current password").fill(user.password);
    await mobile.getByRole("button", { name: "Save mobile number" }).click();
    await expect(
      mobile.getByText(`We sent a code by text message to •••• ${mobileNumber.slice(-4)}. It is valid for 2 minutes.`),
    ).toBeVisible();
    const [sms] = await textMessagesTo(mobileNumber);
    await mobile.getByLabel("Code").fill(codeIn(sms!));
    await mobile.getByRole("button", { name: "Verify number" }).click();
    await expect(mobile.getByText(`•••• ${mobileNumber.slice(-4)} is verified.`)).toBeVisible();
    await page.reload();
    await expect(mobile.getByText("Verified", { exact: true })).toBeVisible();
    expect((await outboxEmails(db, user.email))[0]?.subject).toMatch(/new mobile number$/);

    // Codes now go by text message.
    await signOut(page);
    await ageCodes(db, user.id, 31_000);
    await signInWithForm(page, user);
    await expect(
      page.getByText(`We sent a 6-digit code by text message to •••• ${mobileNumber.slice(-4)}.`),
    ).toBeVisible();
  });

  test("an optional user turns codes on with a code that reached them", async ({ page, db, createUser, signInAs }) => {
    const user = await createUser();
    await signInAs(page.context(), user);
    await page.goto("/profile");
    await page.getByRole("button", { name: "Set up codes by text message or email" }).click();
    await page.locator("#codes-password").fill(user.password);
    await page.getByRole("button", { name: "Send a code" }).click();
    await expect(page.getByText(/We sent a code by email to/)).toBeVisible();
    await page.getByLabel("Code").fill(codeIn((await outboxEmails(db, user.email))[0]!.body));
    await page.getByRole("button", { name: "Confirm code" }).click();
    await expect(page.getByText("Two-factor authentication is on: code by text message or email.")).toBeVisible();
    await page.reload();
    await expect(page.getByText("Two-factor authentication is on: code by text message or email.")).toBeVisible();
    await expect(page.getByText(/^Codes go by email to/)).toBeVisible();
  });
});

test("an administrator requires 2FA for one user, who then signs in with an emailed code and no setup", async ({
  browser,
  page,
  context,
  db,
  createUser,
  signInAs,
}) => {
  const admin = await createUser({ permissions: ["users:read", "users:manage"] });
  const user = await createUser({ organisationId: admin.organisationId });
  await signInAs(context, admin);
  await page.goto(`/admin/users/${user.id}`);
  await expect(page.getByRole("region", { name: "Two-factor methods" })).toContainText("None");
  await page.getByRole("radio", { name: "Required" }).check();
  await page.getByRole("radio", { name: "Email only" }).check();
  await submitAndWait(page, page.getByRole("button", { name: "Save", exact: true }));
  await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("region", { name: "Two-factor methods" })).toContainText(
    "Code by text message or email (because two-factor authentication is required)",
  );

  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signInWithForm(userPage, user);
  await expect(userPage).toHaveURL("/login/two-factor");
  await expect(userPage.getByText(/We sent a 6-digit code by email/)).toBeVisible();
  await userPage
    .getByLabel("Code")
    .fill(
      codeIn((await outboxEmails(db, user.email)).find((mail) => /verification code/.test(mail.subject ?? ""))!.body),
    );
  await userPage.getByRole("button", { name: "Verify" }).click();
  await expect(userPage).toHaveURL("/");
  await userContext.close();
});
