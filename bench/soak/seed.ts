import crypto from "node:crypto";
import { openSqliteDatabase, type SqliteDb as Db } from "@/db";
import { groups, organisations, PERMISSIONS, roles, totpCredentials, userRoles, users } from "@/db/schema";
import { createApiToken } from "@/lib/api/tokens";
import { hashPassword } from "@/lib/auth/passwords";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";
import { encryptSecret } from "@/lib/keys/secrets";
import { replaceRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { generateTotpSecret } from "@/lib/two-factor/authenticator-app/totp";

/*
 * Fresh databases for the soak, written through the app's schema and helpers
 * as bench/seed.ts does: one password hash for everyone, so seeding thousands
 * of accounts takes a second while every sign-in still verifies at full cost.
 */

export const SOAK_PASSWORD = "soak-password-correct-horse";

export type SoakUser = { id: number; email: string; totpSecret?: string };

type Common = { db: Db; organisationId: number; passwordHash: string; keys: KeyRing };

/** A user who signs in with an authenticator app, with recovery codes issued (and kept, to spend). */
async function totpUser(
  common: Common,
  email: string,
  extra: Partial<typeof users.$inferInsert> = {},
  withRecoveryCodes = true,
): Promise<SoakUser & { totpSecret: string; recoveryCodes: string[] }> {
  const { db, organisationId, passwordHash, keys } = common;
  const user = (
    await db
      .insert(users)
      .values({
        organisationId,
        email,
        name: email.split("@")[0]!,
        passwordHash,
        passwordChangedAt: new Date(),
        ...extra,
      })
      .returning({ id: users.id })
  )[0]!;
  const totpSecret = generateTotpSecret();
  await db.insert(totpCredentials).values({
    userId: user.id,
    secretEncrypted: encryptSecret(totpSecret, totpSecretBinding(user.id), keys),
    confirmedAt: new Date(),
  });
  const recoveryCodes = withRecoveryCodes ? await replaceRecoveryCodes(db, user.id, keys) : [];
  return { id: user.id, email, totpSecret, recoveryCodes };
}

/** A user whose second factor is a six-digit code by email (the outbox, with no provider configured). */
async function emailCodeUser(common: Common, email: string): Promise<SoakUser> {
  const { db, organisationId, passwordHash } = common;
  const user = (
    await db
      .insert(users)
      .values({
        organisationId,
        email,
        name: email.split("@")[0]!,
        passwordHash,
        passwordChangedAt: new Date(),
        codesEnabledAt: new Date(),
        codeDelivery: "email",
      })
      .returning({ id: users.id })
  )[0]!;
  return { id: user.id, email };
}

/** A user with no second factor yet, for enrolments. */
async function plainUser(common: Common, email: string): Promise<SoakUser> {
  const { db, organisationId, passwordHash } = common;
  const user = (
    await db
      .insert(users)
      .values({ organisationId, email, name: email.split("@")[0]!, passwordHash, passwordChangedAt: new Date() })
      .returning({ id: users.id })
  )[0]!;
  return { id: user.id, email };
}

export type HostileSeed = {
  organisationId: number;
  admin: SoakUser;
  member: SoakUser;
  /** Someone the admin's actions can aim at (/admin/users/[id]). */
  target: SoakUser;
  roleId: number;
  groupId: number;
  apiToken: string;
  /** A second organisation no request of the run has any right to touch. */
  bystander: { organisationId: number; userIds: number[] };
};

/** Phase 1: an organisation with an admin holding every permission, a member, a target, an API account; and a bystander organisation. */
export async function seedHostileDatabase(file: string, key: Buffer): Promise<HostileSeed> {
  const db = openSqliteDatabase(file);
  try {
    const passwordHash = await hashPassword(SOAK_PASSWORD);
    const bystanderPasswordHash = await hashPassword(crypto.randomBytes(24).toString("base64url"));
    return await db.transaction(async (tx) => {
      const organisationId = (
        await tx.insert(organisations).values({ name: "Soak" }).returning({ id: organisations.id })
      )[0]!.id;
      const common = { db: tx as unknown as Db, organisationId, passwordHash, keys: createKeyRing([key]) };
      const admin = await totpUser(common, "admin@soak.test");
      const member = await totpUser(common, "member@soak.test");
      const target = await totpUser(common, "target@soak.test", {
        mobileNumber: "+447700900123",
        mobileVerifiedAt: new Date(),
      });
      const role = (
        await tx
          .insert(roles)
          .values({ organisationId, name: "Everything", permissions: [...PERMISSIONS] })
          .returning({ id: roles.id })
      )[0]!;
      await tx.insert(userRoles).values({ userId: admin.id, roleId: role.id });
      const group = (
        await tx.insert(groups).values({ organisationId, name: "Soakers" }).returning({ id: groups.id })
      )[0]!;
      const apiAccount = (
        await tx
          .insert(users)
          .values({ organisationId, email: "api@soak.test", name: "API", isApiAccount: true })
          .returning({ id: users.id })
      )[0]!;
      const readers = (
        await tx
          .insert(roles)
          .values({ organisationId, name: "Readers", permissions: ["users:read"] })
          .returning({ id: roles.id })
      )[0]!;
      await tx.insert(userRoles).values({ userId: apiAccount.id, roleId: readers.id });
      const apiToken = (
        await createApiToken(tx as unknown as Db, {
          userId: apiAccount.id,
          name: "soak",
          createdByUserId: admin.id,
        })
      ).token;

      const bystanderId = (
        await tx.insert(organisations).values({ name: "Bystander" }).returning({ id: organisations.id })
      )[0]!.id;
      // A password no request of the run knows: signing in as a bystander would be a legitimate change.
      const other = { ...common, organisationId: bystanderId, passwordHash: bystanderPasswordHash };
      const bystanderAdmin = await totpUser(other, "admin@bystander.test");
      const bystanderMember = await emailCodeUser(other, "member@bystander.test");
      const bystanderRole = (
        await tx
          .insert(roles)
          .values({ organisationId: bystanderId, name: "Everything", permissions: [...PERMISSIONS] })
          .returning({ id: roles.id })
      )[0]!;
      await tx.insert(userRoles).values({ userId: bystanderAdmin.id, roleId: bystanderRole.id });
      return {
        organisationId,
        admin,
        member,
        target,
        roleId: role.id,
        groupId: group.id,
        apiToken,
        bystander: { organisationId: bystanderId, userIds: [bystanderAdmin.id, bystanderMember.id] },
      };
    });
  } finally {
    db.$client.close();
  }
}

export type LoadSeed = { totpUsers: Array<SoakUser & { totpSecret: string }>; emailUsers: SoakUser[] };

/** Phase 2: accounts used once each (a TOTP code is accepted once per 30-second step and user). */
export async function seedLoadDatabase(
  file: string,
  key: Buffer,
  counts: { totp: number; email: number },
): Promise<LoadSeed> {
  const db = openSqliteDatabase(file);
  try {
    const passwordHash = await hashPassword(SOAK_PASSWORD);
    return await db.transaction(async (tx) => {
      const organisationId = (
        await tx.insert(organisations).values({ name: "Load" }).returning({ id: organisations.id })
      )[0]!.id;
      const common = { db: tx as unknown as Db, organisationId, passwordHash, keys: createKeyRing([key]) };
      const totpUsers = await Promise.all(
        Array.from({ length: counts.totp }, async (_, index) => {
          // No recovery codes: the load phase spends none, and issuing thousands would slow the seeding.
          const { recoveryCodes: _codes, ...user } = await totpUser(
            common,
            `totp-${String(index).padStart(5, "0")}@load.test`,
            {},
            false,
          );
          return user;
        }),
      );
      const emailUsers = await Promise.all(
        Array.from(
          { length: counts.email },
          async (_, index) => await emailCodeUser(common, `email-${String(index).padStart(5, "0")}@load.test`),
        ),
      );
      return { totpUsers, emailUsers };
    });
  } finally {
    db.$client.close();
  }
}

export type CrashSeed = {
  organisationId: number;
  /** Users with an authenticator app and recovery codes, who sign in and spend codes. */
  spenders: Array<SoakUser & { totpSecret: string; recoveryCodes: string[] }>;
  /** Users with email codes, who sign in with a code read from the outbox. */
  emailUsers: SoakUser[];
  /** Users with no factor yet, each enrolled once with an authenticator app. */
  enrollees: SoakUser[];
};

/** Phase 3: one database kept across every crash cycle, with enough accounts for all of them. */
export async function seedCrashDatabase(
  file: string,
  key: Buffer,
  counts: { spenders: number; email: number; enrollees: number },
): Promise<CrashSeed> {
  const db = openSqliteDatabase(file);
  try {
    const passwordHash = await hashPassword(SOAK_PASSWORD);
    return await db.transaction(async (tx) => {
      const organisationId = (
        await tx.insert(organisations).values({ name: "Crash" }).returning({ id: organisations.id })
      )[0]!.id;
      const common = { db: tx as unknown as Db, organisationId, passwordHash, keys: createKeyRing([key]) };
      const pad = (index: number) => String(index).padStart(4, "0");
      return {
        organisationId,
        spenders: await Promise.all(
          Array.from(
            { length: counts.spenders },
            async (_, index) => await totpUser(common, `spender-${pad(index)}@crash.test`),
          ),
        ),
        emailUsers: await Promise.all(
          Array.from(
            { length: counts.email },
            async (_, index) => await emailCodeUser(common, `email-${pad(index)}@crash.test`),
          ),
        ),
        enrollees: await Promise.all(
          Array.from(
            { length: counts.enrollees },
            async (_, index) => await plainUser(common, `enrol-${pad(index)}@crash.test`),
          ),
        ),
      };
    });
  } finally {
    db.$client.close();
  }
}
