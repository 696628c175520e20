import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import {
  groupMembers,
  groupRoles,
  groups,
  organisations,
  passkeys,
  roles,
  totpCredentials,
  userRoles,
  users,
} from "@/db/schema";
import { adoptionOf } from "@/lib/admin/adoption";
import { enforcementPreview } from "@/lib/admin/enforcement-preview";
import { recordRequirementChanges } from "@/lib/two-factor/policy/requirement-starts";
import { insertUser, testDatabase } from "@/test/db";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date(Date.UTC(2026, 10, 29, 12, 0));
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

/**
 * 12 people in known states: four protected by one method each, two without
 * a factor (Fay through the role "Finance", Eve through the group holding
 * it), two whose own choice beats any policy, three exempt, and Lou, required
 * by an administrator two days ago.
 */
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
        allowPasskey: true,
        duoIntegrationKey: "DIXXXXXXXXXXXXXXXXXX",
        duoSecretKeyEncrypted: "ciphertext",
        duoApiHostname: "api-test.duosecurity.com",
      })
      .returning()
  )[0]!.id;
  const user = async (name: string, columns: Partial<typeof users.$inferInsert> = {}) =>
    (await insertUser(db, { organisationId, name, email: `${name}@example.com`, ...columns })).id;
  const finance = (await db.insert(roles).values({ organisationId, name: "Finance" }).returning())[0]!.id;
  const ops = (await db.insert(groups).values({ organisationId, name: "Ops" }).returning())[0]!.id;
  await db.insert(groupRoles).values({ groupId: ops, roleId: finance });

  const ada = await user("Ada");
  await db.insert(totpCredentials).values({ userId: ada, secretEncrypted: "x", confirmedAt: daysAgo(30) });
  await db.insert(userRoles).values({ userId: ada, roleId: finance });
  await user("Bea", { codesEnabledAt: daysAgo(3) });
  await user("Cy", { duoEnabledAt: daysAgo(3) });
  const dee = await user("Dee");
  await db.insert(passkeys).values({
    userId: dee,
    credentialId: `credential-${dee}`,
    publicKey: "key",
    deviceType: "multi_device",
    name: "Laptop",
  });
  await db.insert(groupMembers).values({ groupId: ops, userId: await user("Eve") });
  await db.insert(userRoles).values({ userId: await user("Fay"), roleId: finance });
  await user("Gus", { twoFactorRequirement: "optional" });
  await user("Hal", { twoFactorRequirement: "disabled" });
  await user("Ivy", { isApiAccount: true, passwordHash: null });
  await user("Jo", { ssoIssuer: "https://idp.example.com", ssoSubject: "s1", passwordHash: null });
  await user("Kim", { disabledAt: daysAgo(1) });
  await user("Lou", { twoFactorRequirement: "required", twoFactorRequiredSince: daysAgo(2) });
  // Someone of another organisation, who must not be counted.
  await insertUser(db);
  return { organisationId, finance };
}

const nothing = {
  newlyRequiredWithoutFactor: 0,
  setupAtNextSignIn: 0,
  inGrace: 0,
  graceUntil: null,
  graceEndsTogether: true,
  byEmailCode: 0,
  losingMethod: 0,
  losingNames: [],
  leftWithoutFactor: 0,
  keepingAuthenticator: null,
  exempt: 3,
};

describe("the enforcement preview", () => {
  it("counts no one when the proposal is what is saved, and nothing for an unknown organisation", async () => {
    const db = testDatabase();
    const { organisationId, finance } = await seedOrganisation(db, { allowCode: true });
    expect(await enforcementPreview(db, organisationId, {}, now)).toEqual(nothing);
    expect(
      await enforcementPreview(
        db,
        organisationId,
        {
          organisation: { policy: "optional" },
          role: { roleId: finance, requireTwoFactor: false, requirePhishingResistant: false },
        },
        now,
      ),
    ).toEqual(nothing);
    expect(await enforcementPreview(db, 999_999, { organisation: { policy: "required" } }, now)).toBeNull();
  });

  it("switching to Required with codes allowed: the two without a factor get codes by email, as /admin then shows", async () => {
    const db = testDatabase();
    const { organisationId } = await seedOrganisation(db, { allowCode: true });
    expect(await enforcementPreview(db, organisationId, { organisation: { policy: "required" } }, now)).toEqual({
      ...nothing,
      newlyRequiredWithoutFactor: 2,
      byEmailCode: 2,
    });

    await db.update(organisations).set({ twoFactorPolicy: "required" }).where(eq(organisations.id, organisationId));
    await recordRequirementChanges(db, organisationId, { now });
    const after = await adoptionOf(db, organisationId, now);
    // Eve and Fay join Ada, Bea, Cy, Dee and Lou; Gus and Hal chose otherwise.
    expect(after.segments).toEqual({ protected: 7, in_grace: 0, past_grace: 0, optional_without: 2, exempt: 3 });
    expect(after.methods.code).toBe(4);
  });

  it("switching to Required without grace and unticking codes: setup at next sign-in, and who loses codes", async () => {
    const db = testDatabase();
    const { organisationId } = await seedOrganisation(db, { allowCode: true });
    const proposal = { organisation: { policy: "required" as const, allowCode: false, graceDays: 0 } };
    expect(await enforcementPreview(db, organisationId, proposal, now)).toEqual({
      ...nothing,
      newlyRequiredWithoutFactor: 2,
      setupAtNextSignIn: 2,
      losingMethod: 2,
      losingNames: ["Bea", "Lou"],
      leftWithoutFactor: 2,
    });

    await db
      .update(organisations)
      .set({ twoFactorPolicy: "required", allowCode: false, twoFactorGraceDays: 0 })
      .where(eq(organisations.id, organisationId));
    await recordRequirementChanges(db, organisationId, { now });
    // The 2 sent to setup and the 2 left without a factor: 4 past grace.
    expect((await adoptionOf(db, organisationId, now)).segments).toEqual({
      protected: 3,
      in_grace: 0,
      past_grace: 4,
      optional_without: 2,
      exempt: 3,
    });
  });

  it("ticking “Require two-factor authentication” on a role: its holders without a factor get the grace period", async () => {
    const db = testDatabase();
    const { organisationId, finance } = await seedOrganisation(db, { allowCode: false });
    const before = await adoptionOf(db, organisationId, now);
    // Bea's codes are not allowed here: she counts as without a factor.
    expect(before.segments).toEqual({ protected: 3, in_grace: 1, past_grace: 0, optional_without: 5, exempt: 3 });
    const role = { roleId: finance, requireTwoFactor: true, requirePhishingResistant: false };
    expect(await enforcementPreview(db, organisationId, { role }, now)).toEqual({
      ...nothing,
      newlyRequiredWithoutFactor: 2,
      inGrace: 2,
      graceUntil: new Date(now.getTime() + 10 * DAY),
      graceEndsTogether: true,
    });

    await db.update(roles).set({ requireTwoFactor: true }).where(eq(roles.id, finance));
    await recordRequirementChanges(db, organisationId, { scope: { roleId: finance }, now });
    // Eve (through the group) and Fay join Lou in grace.
    expect((await adoptionOf(db, organisationId, now)).segments).toEqual({
      protected: 3,
      in_grace: 3,
      past_grace: 0,
      optional_without: 3,
      exempt: 3,
    });
  });

  it("a role going phishing-resistant only: its holder with an app loses it and is left with nothing", async () => {
    const db = testDatabase();
    const { organisationId, finance } = await seedOrganisation(db, { allowCode: false });
    const role = { roleId: finance, requireTwoFactor: true, requirePhishingResistant: true };
    expect(await enforcementPreview(db, organisationId, { role }, now)).toEqual({
      ...nothing,
      newlyRequiredWithoutFactor: 2,
      inGrace: 2,
      graceUntil: new Date(now.getTime() + 10 * DAY),
      graceEndsTogether: true,
      losingMethod: 1,
      losingNames: ["Ada"],
      leftWithoutFactor: 1,
    });

    await db.update(roles).set({ requireTwoFactor: true, requirePhishingResistant: true }).where(eq(roles.id, finance));
    await recordRequirementChanges(db, organisationId, { scope: { roleId: finance }, now });
    // Eve, Fay and Ada (no usable factor now, her start recorded by the change) join Lou in grace.
    expect((await adoptionOf(db, organisationId, now)).segments).toEqual({
      protected: 2,
      in_grace: 4,
      past_grace: 0,
      optional_without: 3,
      exempt: 3,
    });
  });

  it("names whose grace ends first when someone's start was recorded earlier", async () => {
    const db = testDatabase();
    const { organisationId } = await seedOrganisation(db, { allowCode: false });
    await db
      .update(users)
      .set({ twoFactorRequiredSince: daysAgo(4) })
      .where(eq(users.name, "Eve"));
    // Bea, Eve and Fay (Bea's codes are not allowed here).
    expect(await enforcementPreview(db, organisationId, { organisation: { policy: "required" } }, now)).toMatchObject({
      newlyRequiredWithoutFactor: 3,
      inGrace: 3,
      graceUntil: new Date(now.getTime() + 6 * DAY),
      graceEndsTogether: false,
    });
  });
});

describe("the enforcement preview of allowed methods", () => {
  it("unticking Duo and passkeys: who loses them, and who is left with nothing", async () => {
    const db = testDatabase();
    const { organisationId } = await seedOrganisation(db, { allowCode: false });
    const proposal = { organisation: { allowDuo: false, allowPasskey: false } };
    expect(await enforcementPreview(db, organisationId, proposal, now)).toEqual({
      ...nothing,
      losingMethod: 2,
      losingNames: ["Cy", "Dee"],
      leftWithoutFactor: 2,
    });
    await db
      .update(organisations)
      .set({ allowDuo: false, allowPasskey: false })
      .where(eq(organisations.id, organisationId));
    expect((await adoptionOf(db, organisationId, now)).segments).toEqual({
      protected: 1,
      in_grace: 1,
      past_grace: 0,
      optional_without: 7,
      exempt: 3,
    });
  });

  it("unticking “Authenticator app”: Ada keeps hers (only new ones stop), no one loses a method, as /admin then shows", async () => {
    const db = testDatabase();
    const { organisationId } = await seedOrganisation(db, { allowCode: true });
    const before = await adoptionOf(db, organisationId, now);
    expect(await enforcementPreview(db, organisationId, { organisation: { allowTotp: false } }, now)).toEqual({
      ...nothing,
      keepingAuthenticator: 1,
    });
    // With codes unticked too: Bea and Lou lose codes, Ada still keeps her app.
    expect(
      await enforcementPreview(db, organisationId, { organisation: { allowTotp: false, allowCode: false } }, now),
    ).toEqual({
      ...nothing,
      losingMethod: 2,
      losingNames: ["Bea", "Lou"],
      leftWithoutFactor: 2,
      keepingAuthenticator: 1,
    });

    await db.update(organisations).set({ allowTotp: false }).where(eq(organisations.id, organisationId));
    const after = await adoptionOf(db, organisationId, now);
    expect(after.segments).toEqual(before.segments);
    expect(after.methods.totp).toBe(1);
    // Nobody uses an app any more: unticking is still said, with no one keeping one.
    await db.update(organisations).set({ allowTotp: true }).where(eq(organisations.id, organisationId));
    await db.delete(totpCredentials).where(eq(totpCredentials.secretEncrypted, "x"));
    expect(await enforcementPreview(db, organisationId, { organisation: { allowTotp: false } }, now)).toEqual({
      ...nothing,
      keepingAuthenticator: 0,
    });
  });
});
