import { describe, expect, it } from "vitest";
import { organisations, totpCredentials, users } from "@/db/schema";
import { countPeopleWithFactor, disabledPolicyNotice } from "@/lib/two-factor/policy/disabled-notice";
import { testDatabase } from "@/test/db";

describe("who the Disabled policy would stop asking", () => {
  it("counts people of this organisation with a factor turned on, leaving out API, SSO and disabled accounts", () => {
    const db = testDatabase();
    const organisationId = db.insert(organisations).values({ name: "Acme" }).returning().get().id;
    const elsewhere = db.insert(organisations).values({ name: "Elsewhere" }).returning().get().id;
    let n = 0;
    const person = (columns: Partial<typeof users.$inferInsert> = {}) =>
      db
        .insert(users)
        .values({ organisationId, email: `p${n++}@example.com`, name: "P", passwordHash: "x", ...columns })
        .returning()
        .get().id;
    const withApp = person();
    db.insert(totpCredentials).values({ userId: withApp, secretEncrypted: "x", confirmedAt: new Date() }).run();
    const unconfirmedApp = person();
    db.insert(totpCredentials).values({ userId: unconfirmedApp, secretEncrypted: "x" }).run();
    person({ codesEnabledAt: new Date() });
    person({ duoEnabledAt: new Date(), twoFactorRequirement: "required" });
    person();
    person({ codesEnabledAt: new Date(), isApiAccount: true });
    person({ codesEnabledAt: new Date(), ssoSubject: "sso-1" });
    person({ codesEnabledAt: new Date(), disabledAt: new Date() });
    person({ codesEnabledAt: new Date(), organisationId: elsewhere });
    expect(countPeopleWithFactor(db, organisationId)).toBe(3);
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
