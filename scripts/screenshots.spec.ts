/*
 * Photographs every page at 1280x800 and 390x844, signed out, as the demo
 * administrator (Ada) and as a member (Bob), into ./screenshots/ (ignored by
 * git). Run with `npm run screenshots` after `npx next build`; the walk is the
 * one e2e/layout.spec.ts checks (e2e/layout-pages.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { organisations, users } from "@/db/schema";
import { formatDemoLogins, seedDemoOrganisation } from "@/db/seed";
import { codeIn, outboxEmails, test } from "../e2e/fixtures";
import { VIEWPORTS, walkEveryPage } from "../e2e/layout-pages";

const OUT = path.resolve(__dirname, "..", "screenshots");

test("screenshots of every page", async ({ browser, baseURL, clientIp, db, createUser }) => {
  const logins = await seedDemoOrganisation(db);
  if (!logins) throw new Error("The demo organisation exists already: run on a fresh database.");
  console.log(formatDemoLogins(logins));
  const login = (email: string) => logins.find((demo) => demo.email === email)!;
  const admin = login("admin@acme.test");
  const member = login("bob@acme.test");
  const alice = (await db.select({ id: users.id }).from(users).where(eq(users.email, "alice@acme.test")))[0]!;
  const needsSetup = await createUser({ columns: { twoFactorRequirement: "required" } });
  await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, needsSetup.organisationId));

  fs.mkdirSync(OUT, { recursive: true });
  await walkEveryPage({
    browser,
    contextOptions: { baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } },
    db,
    admin: {
      ...admin,
      async passSecondStep(page) {
        // The demo administrator is emailed a code: read it in the outbox, as the README says.
        await page.getByLabel("Code").fill(codeIn((await outboxEmails(db, admin.email))[0]!.body));
        await page.getByRole("button", { name: "Verify" }).click();
      },
    },
    member,
    needsSetup,
    colleagueId: alice.id,
    async visit(page, name) {
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
        await page.screenshot({
          path: path.join(OUT, `${name}-${viewport.width}x${viewport.height}.png`),
          fullPage: true,
        });
      }
    },
  });
});
