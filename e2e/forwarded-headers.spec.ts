import { expect, failOnServerErrors, signInWithForm, signOut, test } from "./fixtures";

/*
 * A client's own X-Forwarded-Proto and X-Forwarded-Host: Auth.js built its
 * sign-in and sign-out URLs from them (a hostile "https,http" made sign-out
 * throw "Invalid URL", a 500, in `npm run soak`), and Next.js compared a
 * server action's Origin with the forged host. proxy.ts now hands on
 * APP_URL's scheme and host (lib/forwarded-origin.ts).
 */
test.use({
  extraHTTPHeaders: {
    "x-forwarded-for": "198.18.200.7",
    "x-forwarded-proto": "https,http",
    "x-forwarded-host": "evil.example, also.evil",
  },
});

test("signing in and out works, with no 5xx, whatever X-Forwarded-Proto and X-Forwarded-Host the client sends", async ({
  page,
  createUser,
}) => {
  const noServerErrors = failOnServerErrors(page);
  const user = await createUser();
  await signInWithForm(page, user);
  await expect(page).toHaveURL("/");
  await signOut(page);
  // Auth.js's redirect stayed on APP_URL's host, not the forged one.
  expect(new URL(page.url()).host).toBe(new URL(test.info().project.use.baseURL!).host);
  noServerErrors();
});
