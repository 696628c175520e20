import { expect, test } from "./fixtures";

/*
 * Hand-made addresses for the reset page: each is answered with the page's
 * own "can no longer be used" message or a 4xx, never a server error.
 */
const RESET_PATHS = [
  "/login/reset/%ZZ",
  "/login/reset/%E0%A4%A",
  `/login/reset/${"a".repeat(4000)}`,
  "/login/reset/..%2F..%2Fadmin",
  "/login/reset/%00",
  "/login/reset/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
];

test("hand-made reset addresses answer 4xx or the unusable-link page, never 500", async ({ request }) => {
  for (const path of RESET_PATHS) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeLessThan(500);
    if (response.status() === 200) expect(await response.text(), path).toContain("This link can no longer be used");
  }
});

test("the forgot-password page with odd query strings still renders", async ({ request }) => {
  for (const path of [
    "/login/forgot?email=%ZZ",
    "/login/forgot?x=" + "b".repeat(4000),
    "/recovery-code-used?next=%ZZ",
  ]) {
    const response = await request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeLessThan(500);
  }
});
