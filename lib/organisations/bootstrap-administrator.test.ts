import { eq, getTableName, is, sql } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { beforeEach, describe, expect, it } from "vitest";
import { queryRows, type Db } from "@/db";
import * as sqliteSchema from "@/db/schema.sqlite";
import { auditEvents, emailLinks, organisations, PERMISSIONS, roles, userRoles, users } from "@/db/schema";
import { countFullAdministrators } from "@/lib/admin/delegated-change";
import { userHasPermission } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/passwords";
import { hashToken } from "@/lib/crypto";
import { acceptInvitation, openInvitation } from "@/lib/invitations/invitations";
import { bootstrapAdministrator, bootstrapAdministratorSchema } from "@/lib/organisations/bootstrap-administrator";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { insertUser, testDatabase } from "@/test/db";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every row of every table, to show that a refusal wrote nothing at all. */
async function everyRow(db: Db): Promise<Record<string, unknown[]>> {
  const names = Object.values(sqliteSchema)
    .filter((value) => is(value, SQLiteTable))
    .map((table) => getTableName(table))
    .sort();
  return Object.fromEntries(
    await Promise.all(
      names.map(async (name) => [name, await queryRows(db, sql.raw(`select * from "${name}" order by 1`))]),
    ),
  );
}

async function bootstrapped(db: Db, input: Parameters<typeof bootstrapAdministrator>[1]) {
  const result = await bootstrapAdministrator(db, input);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe("bootstrapping an organisation's first administrator", () => {
  let db: Db;
  let passwordHash: string;
  const now = new Date("2030-01-01T00:00:00Z");
  beforeEach(async () => {
    db = testDatabase();
    passwordHash ??= await hashPassword("a long enough passphrase");
  });

  it("creates the organisation, an Administrator role with every permission that requires 2FA, and an administrator without a password", async () => {
    const result = await bootstrapped(db, { email: "  Founder@Example.com ", organisationName: " Acme ", now });
    expect(result.organisation.name).toBe("Acme");
    expect(result.email).toBe("founder@example.com");

    const role = (await db.select().from(roles).where(eq(roles.id, result.administratorRoleId)))[0]!;
    expect(role).toMatchObject({
      organisationId: result.organisation.id,
      name: "Administrator",
      requireTwoFactor: true,
    });
    expect(role.permissions).toEqual([...PERMISSIONS]);
    expect(await db.select().from(roles).where(eq(roles.organisationId, result.organisation.id))).toHaveLength(1);

    const user = (await db.select().from(users).where(eq(users.id, result.userId)))[0]!;
    expect(user).toMatchObject({
      organisationId: result.organisation.id,
      email: "founder@example.com",
      passwordHash: null,
      disabledAt: null,
    });
    expect(await db.select().from(userRoles).where(eq(userRoles.userId, user.id))).toEqual([
      { userId: user.id, roleId: role.id },
    ]);
    for (const permission of PERMISSIONS) expect(await userHasPermission(db, user.id, permission)).toBe(true);

    const [link] = await db.select().from(emailLinks).where(eq(emailLinks.userId, user.id));
    expect(link).toMatchObject({
      purpose: "invitation",
      tokenHash: hashToken(result.token),
      createdByUserId: null,
      usedAt: null,
    });
    expect(JSON.stringify(await everyRow(db))).not.toContain(result.token);
    expect(await db.select().from(auditEvents)).toMatchObject([
      {
        type: "invitation.sent",
        organisationId: result.organisation.id,
        actorUserId: null,
        targetUserId: user.id,
        details: { via: "admin:create" },
      },
    ]);
  });

  it("gives a link that works once and for 24 hours, not the 7 days of an ordinary invitation", async () => {
    const first = await bootstrapped(db, { email: "first@example.com", organisationName: "First", now });
    expect(first.expiresAt.getTime() - now.getTime()).toBe(DAY_MS);
    const justBefore = new Date(now.getTime() + DAY_MS - 1);
    const expired = new Date(now.getTime() + DAY_MS);
    expect(await openInvitation(db, first.token, justBefore)).toMatchObject({
      userId: first.userId,
      organisationName: "First",
    });
    expect(await openInvitation(db, first.token, expired)).toBeNull();
    expect(await acceptInvitation(db, { token: first.token, name: "Too Late", passwordHash, now: expired })).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, first.userId)))[0]!.passwordHash).toBeNull();

    const second = await bootstrapped(db, { email: "second@example.com", organisationName: "Second", now });
    const acceptedAt = new Date(now.getTime() + 60_000);
    expect(
      await acceptInvitation(db, { token: second.token, name: "Grace Founder", passwordHash, now: acceptedAt }),
    ).toMatchObject({
      userId: second.userId,
      organisationId: second.organisation.id,
    });
    expect(await openInvitation(db, second.token, acceptedAt)).toBeNull();
    expect(
      await acceptInvitation(db, { token: second.token, name: "Mallory", passwordHash, now: acceptedAt }),
    ).toBeNull();
    expect((await db.select().from(users).where(eq(users.id, second.userId)))[0]).toMatchObject({
      name: "Grace Founder",
      passwordHash,
    });
  });

  it("leaves an accepted administrator who must use 2FA at sign-in, and who counts as the organisation's full administrator", async () => {
    const result = await bootstrapped(db, { email: "founder@example.com", organisationName: "Acme", now });
    // Until they accept, they cannot sign in, so they do not count.
    expect(await countFullAdministrators(db, result.organisation.id)).toBe(0);
    await acceptInvitation(db, { token: result.token, name: "Founder", passwordHash });
    expect(await countFullAdministrators(db, result.organisation.id)).toBe(1);
    expect((await twoFactorStateOfUser(db, result.userId)).requirement.level).toBe("required");
    expect((await stageAfterPassword(db, result.userId, null)).stage).not.toBe("active");
  });

  it("starts a new organisation with setup at sign-in through an emailed link, so a password alone never binds a first factor", async () => {
    const result = await bootstrapped(db, { email: "founder@example.com", organisationName: "Acme", now });
    expect(
      (await db.select().from(organisations).where(eq(organisations.id, result.organisation.id)))[0]!.requiredSetupFlow,
    ).toBe("emailed_link");
  });

  it("refuses an address that has an account in any organisation, in any case, and writes nothing", async () => {
    const elsewhere = (await db.insert(organisations).values({ name: "Elsewhere" }).returning())[0]!.id;
    await insertUser(db, { organisationId: elsewhere, email: "taken@example.com" });
    const before = await everyRow(db);
    expect(
      await bootstrapAdministrator(db, { email: " TAKEN@Example.com", organisationName: "Brand New", now }),
    ).toEqual({
      ok: false,
      reason: "email_taken",
    });
    expect(await everyRow(db)).toEqual(before);
  });

  it("refuses a name an organisation already has, in any case, and writes nothing", async () => {
    await bootstrapped(db, { email: "first@example.com", organisationName: "Ærø Shipping", now });
    const before = await everyRow(db);
    expect(
      await bootstrapAdministrator(db, { email: "other@example.com", organisationName: "ærø shipping", now }),
    ).toEqual({
      ok: false,
      reason: "organisation_exists",
    });
    expect(
      await bootstrapAdministrator(db, { email: "other@example.com", organisationName: "  ÆRØ SHIPPING ", now }),
    ).toEqual({
      ok: false,
      reason: "organisation_exists",
    });
    expect(await everyRow(db)).toEqual(before);
  });
});

describe("the command's options", () => {
  const cases: Array<[string, Record<string, unknown>, string | { email: string; organisation: string }]> = [
    [
      "both given",
      { email: " you@example.com ", organisation: " Acme " },
      { email: "you@example.com", organisation: "Acme" },
    ],
    ["no email", { organisation: "Acme" }, "--email is missing: give the administrator's email address."],
    ["not an email", { email: "you", organisation: "Acme" }, "--email must be an email address, like you@example.com."],
    ["no organisation", { email: "you@example.com" }, "--organisation is missing: give the organisation's name."],
    [
      "a blank organisation",
      { email: "you@example.com", organisation: "   " },
      "--organisation is empty: give the organisation's name.",
    ],
    [
      "a 101-character organisation",
      { email: "you@example.com", organisation: "x".repeat(101) },
      "--organisation must be at most 100 characters.",
    ],
    [
      "a control character",
      { email: "you@example.com", organisation: "Acme\u0007" },
      "--organisation must be letters, spaces and punctuation only.",
    ],
  ];

  it.each(cases)("%s", (_name, options, expected) => {
    const parsed = bootstrapAdministratorSchema.safeParse(options);
    if (typeof expected === "string") expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([expected]);
    else expect(parsed.data).toEqual(expected);
  });
});
