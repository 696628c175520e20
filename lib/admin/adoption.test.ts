import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, passkeys, roles, totpCredentials, userRoles, users } from "@/db/schema";
import { adoptionOf, inGraceUsers, type AdoptionSegment } from "@/lib/admin/adoption";
import { refreshAdoptionSummary, summarisedMatches } from "@/lib/admin/adoption-summary";
import { countUsers } from "@/lib/admin/user-directory";
import { USER_STATES, userFilterWhere, type UserFilters } from "@/lib/admin/user-filters";
import { TWO_FACTOR_METHODS, TWO_FACTOR_REQUIREMENTS } from "@/db/schema";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { insertUser, testDatabase } from "@/test/db";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 29, 12, 0));
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

/** The seeded organisation: 13 people, each in a known state (see the expected counts). */
async function seedOrganisation(db: Db, { allowCode }: { allowCode: boolean }) {
  const organisationId = (
    await db
      .insert(organisations)
      .values({
        name: "Seeded",
        twoFactorPolicy: "optional",
        twoFactorGraceDays: 10,
        allowCode,
        allowDuo: true,
        duoIntegrationKey: "DIXXXXXXXXXXXXXXXXXX",
        duoSecretKeyEncrypted: "ciphertext",
        duoApiHostname: "api-test.duosecurity.com",
      })
      .returning()
  )[0]!.id;
  const role = (
    await db.insert(roles).values({ organisationId, name: "Finance", requireTwoFactor: true }).returning()
  )[0]!.id;
  const user = async (name: string, columns: Partial<typeof users.$inferInsert> = {}) =>
    (await insertUser(db, { organisationId, name, email: `${name}@example.com`, ...columns })).id;
  const authenticator = async (userId: number, confirmed = true) =>
    await db
      .insert(totpCredentials)
      .values({ userId, secretEncrypted: "x", confirmedAt: confirmed ? daysAgo(30) : null });

  await authenticator(await user("app"));
  const appAndDuo = await user("appandduo", { duoEnabledAt: daysAgo(3) });
  await authenticator(appAndDuo);
  await user("duo", { duoEnabledAt: daysAgo(3) });
  await user("eightdays", { twoFactorRequirement: "required", twoFactorRequiredSince: daysAgo(2) });
  await user("fivedays", { twoFactorRequirement: "required", twoFactorRequiredSince: daysAgo(5) });
  const byRole = await user("byrole", { twoFactorRequiredSince: daysAgo(20) });
  await db.insert(userRoles).values({ userId: byRole, roleId: role });
  await user("notyetrecorded", { twoFactorRequirement: "required" });
  await user("optional", { codesEnabledAt: daysAgo(1) });
  await authenticator(await user("turnedoff", { twoFactorRequirement: "disabled" }));
  await user("api", { isApiAccount: true, passwordHash: null });
  await user("sso", { ssoIssuer: "https://idp.example.com", ssoSubject: "s1", passwordHash: null });
  await authenticator(await user("disabled", { disabledAt: daysAgo(1) }));
  const unconfirmed = await user("unconfirmed", {
    twoFactorRequirement: "required",
    twoFactorRequiredSince: daysAgo(11),
  });
  await authenticator(unconfirmed, false);
  // Someone of another organisation, who must not be counted.
  await insertUser(db, { twoFactorRequirement: "required" });
  return organisationId;
}

/** The same counts from the one rule, asked user by user (slow, for the test only). */
async function countsFromTheRule(db: Db, organisationId: number) {
  const counts: Record<AdoptionSegment, number> = {
    protected: 0,
    in_grace: 0,
    past_grace: 0,
    optional_without: 0,
    exempt: 0,
  };
  const rows = await db
    .select({ id: users.id, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.organisationId, organisationId));
  for (const row of rows) {
    const state = await twoFactorStateOfUser(db, row.id, now);
    const { requirement } = state;
    if (row.disabledAt || requirement.level === "exempt") counts.exempt++;
    else if (requirement.level !== "disabled" && state.hasFactor) counts.protected++;
    else if (requirement.level === "required") counts[requirement.graceUntil ? "in_grace" : "past_grace"]++;
    else counts.optional_without++;
  }
  return counts;
}

describe("2FA adoption of an organisation", () => {
  it("counts the same in chunks of ids as in one go (the event loop is let go between chunks)", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    // Another organisation's people between this one's ids: read by no chunk, counted by none.
    for (let index = 0; index < 3; index++) await insertUser(db, { twoFactorRequirement: "required" });
    await insertUser(db, { organisationId, name: "late", email: "late@example.com", isApiAccount: true });
    const whole = await adoptionOf(db, organisationId, now, 1_000_000);
    expect([whole.total, whole.segments.exempt]).toEqual([14, 4]);
    expect(await adoptionOf(db, organisationId, now, 2)).toEqual(whole);
    expect(await adoptionOf(db, organisationId, now, 1)).toEqual(whole);
    expect(whole.requirements).toEqual({ default: 9, required: 4, optional: 0, disabled: 1, phishing_resistant: 0 });
    // fivedays within 5 days, eightdays within 8, notyetrecorded (grace from now) within the whole 10.
    expect(whole.graceEndsWithin).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3]);
  });

  it("gives, from a large organisation's summary, the count the users list would count live for one filter", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    await refreshAdoptionSummary(db, organisationId, now);
    const single: UserFilters[] = [
      // No filter: the whole list's total.
      {},
      ...USER_STATES.map((state) => ({ state })),
      ...TWO_FACTOR_METHODS.map((method) => ({ method })),
      ...TWO_FACTOR_REQUIREMENTS.map((requirement) => ({ requirement })),
      ...[0, 4, 5, 8, 9, 10, 11, 400].map((graceWithinDays) => ({ graceWithinDays })),
    ];
    for (const filters of single) {
      const where = await userFilterWhere(db, organisationId, filters, now);
      if (!where.ok) throw new Error("bad filter");
      const live = await countUsers(db, organisationId, { q: "", filter: where.where });
      expect([filters, (await summarisedMatches(db, organisationId, filters, now, 3))?.matches]).toEqual([
        filters,
        live,
      ]);
    }
    // Two filters, a small organisation, or a summary too old: counted live (null).
    expect(await summarisedMatches(db, organisationId, { state: "in_grace", method: "totp" }, now, 3)).toBeNull();
    expect(await summarisedMatches(db, organisationId, { state: "in_grace" }, now)).toBeNull();
    expect(
      await summarisedMatches(db, organisationId, { state: "in_grace" }, new Date(now.getTime() + 11 * 60 * 1000), 3),
    ).toBeNull();
  });

  it("counts a seeded organisation's users by state and method, with the nearest deadlines", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    const adoption = await adoptionOf(db, organisationId, now);
    expect(adoption.total).toBe(13);
    expect(adoption.segments).toEqual({ protected: 3, in_grace: 3, past_grace: 2, optional_without: 2, exempt: 3 });
    expect(adoption.methods).toEqual({ totp: 2, code: 0, duo: 2, passkey: 0 });
    expect(adoption.nearestDeadlines.map(({ name, email, deadline }) => [name, email, deadline])).toEqual([
      ["fivedays", "fivedays@example.com", new Date(now.getTime() + 5 * DAY)],
      ["eightdays", "eightdays@example.com", new Date(now.getTime() + 8 * DAY)],
      ["notyetrecorded", "notyetrecorded@example.com", new Date(now.getTime() + 10 * DAY)],
    ]);
    expect(adoption.segments).toEqual(await countsFromTheRule(db, organisationId));
  });

  it("counts people required in an organisation that allows codes as protected by emailed codes", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: true });
    const adoption = await adoptionOf(db, organisationId, now);
    expect(adoption.segments).toEqual({ protected: 9, in_grace: 0, past_grace: 0, optional_without: 1, exempt: 3 });
    expect(adoption.methods).toEqual({ totp: 2, code: 6, duo: 2, passkey: 0 });
    expect(adoption.nearestDeadlines).toEqual([]);
    expect(adoption.segments).toEqual(await countsFromTheRule(db, organisationId));
  });

  it("counts everyone as without 2FA when the organisation turns it off, and nothing for an unknown organisation", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    await db.update(organisations).set({ twoFactorPolicy: "disabled" }).where(eq(organisations.id, organisationId));
    const adoption = await adoptionOf(db, organisationId, now);
    expect(adoption.segments).toEqual({ protected: 0, in_grace: 0, past_grace: 0, optional_without: 10, exempt: 3 });
    expect(adoption.segments).toEqual(await countsFromTheRule(db, organisationId));
    expect((await adoptionOf(db, 999_999, now)).total).toBe(0);
  });

  it("counts passkeys where allowed, and only passkeys for people held to phishing-resistant methods", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: true });
    const passkey = async (userId: number) =>
      await db.insert(passkeys).values({
        userId,
        credentialId: `credential-${userId}`,
        publicKey: "key",
        deviceType: "multi_device",
        name: "Laptop",
      });
    const user = async (name: string, columns: Partial<typeof users.$inferInsert> = {}) =>
      (await insertUser(db, { organisationId, name, email: `${name}@example.com`, ...columns })).id;
    const strictRole = (
      await db
        .insert(roles)
        .values({ organisationId, name: "Admins", requireTwoFactor: true, requirePhishingResistant: true })
        .returning()
    )[0]!.id;
    await passkey(await user("passkeyonly"));
    const strictWithApp = await user("strictwithapp", { twoFactorRequiredSince: daysAgo(20) });
    await db.insert(userRoles).values({ userId: strictWithApp, roleId: strictRole });
    await db.insert(totpCredentials).values({ userId: strictWithApp, secretEncrypted: "x", confirmedAt: daysAgo(30) });
    await passkey(await user("strictwithpasskey", { twoFactorRequirement: "phishing_resistant" }));

    const allowed = await adoptionOf(db, organisationId, now);
    // strictwithapp's app is refused and codes are not offered to them: required, grace over.
    expect(allowed.segments).toEqual({ protected: 11, in_grace: 0, past_grace: 1, optional_without: 1, exempt: 3 });
    expect(allowed.methods).toEqual({ totp: 2, code: 6, duo: 2, passkey: 2 });
    expect(allowed.segments).toEqual(await countsFromTheRule(db, organisationId));

    // Passkeys no longer allowed: they still count for the person held to them, not for anyone else.
    await db.update(organisations).set({ allowPasskey: false }).where(eq(organisations.id, organisationId));
    const notAllowed = await adoptionOf(db, organisationId, now);
    expect(notAllowed.segments).toEqual({ protected: 10, in_grace: 0, past_grace: 1, optional_without: 2, exempt: 3 });
    expect(notAllowed.methods).toEqual({ totp: 2, code: 6, duo: 2, passkey: 1 });
    expect(notAllowed.segments).toEqual(await countsFromTheRule(db, organisationId));
  });

  it("lists as 'optional, no factor' exactly those the rule counts there, under every policy and allowed method", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    await db.insert(passkeys).values({
      userId: await insertUser(db, { organisationId, name: "passkey", email: "passkey@example.com" }).then((u) => u.id),
      credentialId: "credential-optional",
      publicKey: "key",
      deviceType: "multi_device",
      name: "Laptop",
    });
    const seen = new Set<number>();
    for (const twoFactorPolicy of ["optional", "required", "disabled"] as const)
      for (const allowCode of [false, true])
        for (const allowPasskey of [false, true]) {
          await db
            .update(organisations)
            .set({ twoFactorPolicy, allowCode, allowPasskey })
            .where(eq(organisations.id, organisationId));
          const where = await userFilterWhere(db, organisationId, { state: "optional_without" }, now);
          if (!where.ok) throw new Error("bad filter");
          const listed = await countUsers(db, organisationId, { q: "", filter: where.where });
          const rule = (await countsFromTheRule(db, organisationId)).optional_without;
          expect([twoFactorPolicy, allowCode, allowPasskey, listed]).toEqual([
            twoFactorPolicy,
            allowCode,
            allowPasskey,
            rule,
          ]);
          seen.add(listed);
        }
    // The settings move people in and out of the segment: the comparison is not of zeros.
    expect(seen.size).toBeGreaterThan(1);
  });

  it("lists those in grace whose deadline is within N days", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    expect((await inGraceUsers(db, organisationId, now, 100, 5)).map(({ name }) => name)).toEqual(["fivedays"]);
    expect((await inGraceUsers(db, organisationId, now, 100, 8)).map(({ name }) => name)).toEqual([
      "fivedays",
      "eightdays",
    ]);
    expect(await inGraceUsers(db, organisationId, now, 100, 4)).toEqual([]);
  });

  it("lists the same people, in the same order, in chunks of ids as in one go", async () => {
    const db = testDatabase();
    const organisationId = await seedOrganisation(db, { allowCode: false });
    // Another organisation's person in grace between this one's ids: listed by no chunk.
    const threeDaysAgo = new Date(now.getTime() - 3 * DAY);
    await insertUser(db, { twoFactorRequirement: "required", twoFactorRequiredSince: threeDaysAgo });
    // Two starts at the same moment: by id.
    for (const name of ["tieB", "tieA"])
      await insertUser(db, {
        organisationId,
        name,
        email: `${name}@example.com`,
        twoFactorRequirement: "required",
        twoFactorRequiredSince: threeDaysAgo,
      });
    await insertUser(db, { organisationId, name: "late", email: "late@example.com", twoFactorRequirement: "required" });
    const whole = await inGraceUsers(db, organisationId, now, 100, undefined, undefined, 1_000_000);
    // Nearest deadline first (the earliest start); a start not yet recorded ends last, by id.
    expect(whole.map(({ name }) => name)).toEqual(["fivedays", "tieB", "tieA", "eightdays", "notyetrecorded", "late"]);
    for (const chunkIds of [1, 2, 3]) {
      expect(await inGraceUsers(db, organisationId, now, 100, undefined, undefined, chunkIds)).toEqual(whole);
      expect(await inGraceUsers(db, organisationId, now, 3, undefined, undefined, chunkIds)).toEqual(whole.slice(0, 3));
    }
  });
});
