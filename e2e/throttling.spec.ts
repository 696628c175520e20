import { expect, signInWithForm, test } from "./fixtures";

test("after ten failed sign-ins an account is locked for fifteen minutes, whatever the address", async ({ browser, page, createUser }) => {
  const user = await createUser();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await signInWithForm(page, { email: user.email, password: `wrong guess ${attempt}` });
    await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  }
  await signInWithForm(page, user);
  await expect(page.getByRole("status")).toHaveText("Too many failed sign-ins. Try again in 15 minutes.");
  await expect(page).toHaveURL("/login");

  // The count lives on the server: a new browser from another address is locked out too.
  const elsewhere = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "198.19.0.77" } });
  const otherPage = await elsewhere.newPage();
  await signInWithForm(otherPage, user);
  await expect(otherPage.getByRole("status")).toHaveText("Too many failed sign-ins. Try again in 15 minutes.");
  await elsewhere.close();
});

test("after ten failed sign-ins from one address, that address is locked for every account", async ({ page, createUser }) => {
  const user = await createUser();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await signInWithForm(page, { email: `nobody-${attempt}@example.com`, password: "guess" });
    await expect(page.getByRole("status")).toHaveText("Incorrect email or password.");
  }
  await signInWithForm(page, user);
  await expect(page.getByRole("status")).toHaveText("Too many failed sign-ins. Try again in 15 minutes.");
});
