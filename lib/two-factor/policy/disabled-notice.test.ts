import { describe, expect, it } from "vitest";
import { organisations, totpCredentials, users } from "@/db/schema";
import { countPeopleWithFactor, disabledPolicyNotice } from "@/lib/two-factor/policy/disabled-notice";
import { testDatabase } from "@/test/db";

describe("who the Disabled policy would stop asking", () => {
  it("counts people of this organisation with a factor turned on, leaving out API, SSO and disabled accounts", async () => {
    const db = testDatabase();
    const organisationId = (await db.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
    const elsewhere = (await db.insert(organisations).values({ name: "Elsewhere" }).returning())[0]!.id;
    let n = 0;
    const person = async (columns: Partial<typeof users.$inferInsert> = {}) =>
      (
        await db
          .insert(users)
          .values({ organisationId, email: `p${n++}@example.com`, name: "P", passwordHash: "x", ...columns })
          .returning()
      )[0]!.id;
    const withApp = await person();
    await db.insert(totpCredentials).values({ userId: withApp, secretEncrypted: "x", confirmedAt: new Date() });
    const unconfirmedApp = await person();
    await db.insert(totpCredentials).values({ userId: unconfirmedApp, secretEncrypted: "x" });
    await person({ codesEnabledAt: new Date() });
    await person({ duoEnabledAt: new Date(), twoFactorRequirement: "required" });
    await person();
    await person({ codesEnabledAt: new Date(), isApiAccount: true });
    await person({ codesEnabledAt: new Date(), ssoSubject: "sso-1" });
    await person({ codesEnabledAt: new Date(), disabledAt: new Date() });
    await person({ codesEnabledAt: new Date(), organisationId: elsewhere });
    expect(await countPeopleWithFactor(db, organisationId)).toBe(3);
  });

  it.each([
    [0, null],
    [
      1,
      "1 person who uses two-factor authentication will no longer be asked for it, including anyone set to “Required” on their own page. They will be emailed.",
    ],
    [
      3,
      "3 people who use two-factor authentication will no longer be asked for it, including anyone set to “Required” on their own page. They will be emailed.",
    ],
  ])("says so for %i", (count, expected) => {
    expect(disabledPolicyNotice(count)).toBe(expected);
  });
});
