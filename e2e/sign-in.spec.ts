import { eq } from "drizzle-orm";
import { auditEvents, sessions, users } from "@/db/schema";
import { expect, signInWithForm, signOut, test } from "./fixtures";

test("a user signs in with email and password, sees the dashboard and signs out", async ({ page, db, createUser }) => {
  const user = await createUser();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("heading", { name: `Welcome, ${user.name}` })).toBeVisible();
  await expect(page.getByText(user.email).first()).toBeVisible();
  await expect(page.getByText("Off: your account is protected by your password alone.")).toBeVisible();
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);

  await signOut(page);
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  await page.goto("/");
  await expect(page).toHaveURL("/login");

  const types = await db
    .select({ type: auditEvents.type })
    .from(auditEvents)
    .where(eq(auditEvents.targetUserId, user.id));
  expect(types.map((row) => row.type)).toEqual(["sign_in.password_verified", "sign_in.completed", "session.ended"]);
});

test("the email is matched case-insensitively", async ({ page, createUser }) => {
  const user = await createUser();
  await signInWithForm(page, { email: `  ${user.email.toUpperCase()} `, password: user.password });
  await expect(page).toHaveURL("/");
});

test("a wrong password and an unknown email get the same answer", async ({ page, createUser }) => {
  const user = await createUser();
  await signInWithForm(page, { email: user.email, password: "not the password" });
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  await expect(page.getByLabel("Email")).toHaveValue(user.email);
  await expect(page.getByLabel("Password")).toHaveValue("");

  await signInWithForm(page, { email: "nobody-here@example.com", password: "not the password" });
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  await expect(page).toHaveURL("/login");
});

test("a disabled account is told so only with the right password", async ({ page, db, createUser }) => {
  const user = await createUser();
  await db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
  await signInWithForm(page, { email: user.email, password: "wrong password" });
  await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  await signInWithForm(page, user);
  await expect(page.getByRole("status")).toHaveText("This account has been disabled. Contact your administrator.");
});

test("an API account cannot sign in to the web UI", async ({ page, db, createUser }) => {
  const user = await createUser();
  await db.update(users).set({ isApiAccount: true }).where(eq(users.id, user.id));
  await signInWithForm(page, user);
  await expect(page.getByRole("status")).toContainText("API account");
  expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
});

test("pages send visitors without a session to /login, and /login sends signed-in users home", async ({
  page,
  context,
  createUser,
  signInAs,
}) => {
  for (const path of ["/", "/profile", "/admin/settings"]) {
    await page.goto(path);
    await expect(page).toHaveURL("/login");
  }
  await signInAs(context, await createUser());
  await page.goto("/login");
  await expect(page).toHaveURL("/");
});

test("the whole sign-in works with the keyboard alone", async ({ page, createUser }) => {
  const user = await createUser();
  await page.goto("/login");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Email")).toBeFocused();
  await page.keyboard.type(user.email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type(user.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/");
});
