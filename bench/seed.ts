import type Database from "better-sqlite3";
import { openSqliteDatabase, type Executor } from "@/db";
import { groupRoles, groups, organisations, roles, totpCredentials, userRoles, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";
import { encryptSecret } from "@/lib/keys/secrets";
import { generateTotpSecret } from "@/lib/two-factor/authenticator-app/totp";

/*
 * Fresh databases for one run, written straight through the app's own schema
 * and helpers (so the server sees exactly what a real sign-up would leave),
 * but in bulk: one transaction per database and one password hash for all.
 */

export const BENCH_PASSWORD = "bench-password-correct-horse";

export type BenchUser = { id: number; email: string; totpSecret: string };

export type MainSeed = {
  organisationId: number;
  /** The 100-user directory; its admin holds users:read. */
  directory: DirectoryIds;
  /** Signed in before the run, for the signed-in page. */
  pageUsers: BenchUser[];
  /** Each completes the password and code steps once. */
  signInUsers: BenchUser[];
  /** Each gets a half-signed-in session and submits one code. */
  codeUsers: BenchUser[];
  /** Each signs in once, against one process or one per core. */
  processUsers: BenchUser[];
};

// Half the first names start with "M", so the search "m" fills a page in a
// directory of 100 as well as of 100,000, and the two are compared on equal rows.
const FIRST_NAMES = [
  "Maria",
  "Mark",
  "Martin",
  "Maya",
  "Mia",
  "Miles",
  "Mohamed",
  "Morgan",
  "Ada",
  "Ben",
  "Chloe",
  "David",
  "Ella",
  "Finn",
  "Grace",
  "Hugo",
];
const LAST_NAMES = [
  "Smith",
  "Jones",
  "Taylor",
  "Brown",
  "Williams",
  "Wilson",
  "Johnson",
  "Davies",
  "Patel",
  "Wright",
  "Walker",
  "Evans",
  "Thomas",
  "Roberts",
  "Khan",
  "Lewis",
  "Clarke",
  "Hughes",
  "Green",
  "Hall",
];

function directoryPerson(index: number, domain: string): { name: string; email: string } {
  const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
  const last = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]!;
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${String(index).padStart(6, "0")}@${domain}`.toLowerCase(),
  };
}

/** The email of directory member `index`, which exists in every directory with more than `index` members. */
export function directoryEmail(index: number): string {
  return directoryPerson(index, "directory.test").email;
}

/** Users with a confirmed authenticator app whose secret the bench knows, to compute codes as the app would. */
async function insertTotpUsers(
  db: Executor,
  input: { organisationId: number; prefix: string; count: number; passwordHash: string; keys: KeyRing },
): Promise<BenchUser[]> {
  const created: BenchUser[] = [];
  for (let index = 0; index < input.count; index++) {
    const email = `${input.prefix}-${String(index).padStart(5, "0")}@bench.test`;
    const user = (
      await db
        .insert(users)
        .values({
          organisationId: input.organisationId,
          email,
          name: `${input.prefix} ${index}`,
          passwordHash: input.passwordHash,
          passwordChangedAt: new Date(),
        })
        .returning({ id: users.id })
    )[0]!;
    const totpSecret = generateTotpSecret();
    await db.insert(totpCredentials).values({
      userId: user.id,
      secretEncrypted: encryptSecret(totpSecret, totpSecretBinding(user.id), input.keys),
      confirmedAt: new Date(),
    });
    created.push({ id: user.id, email, totpSecret });
  }
  return created;
}

/** What the filters of the admin list name, in one directory: ids differ between the two databases. */
export type DirectoryIds = { organisationId: number; adminId: number; roleId: number; groupId: number };

const DAY_MS = 24 * 60 * 60 * 1000;
/** The directories' grace period: people required since 0–29 days ago are about half in it, half past it. */
export const DIRECTORY_GRACE_DAYS = 14;

/**
 * Member `index`'s place in the mix, from two scrambled buckets (so no trait
 * follows the alphabetical names): about 2% API accounts, 1% SSO, 1% disabled;
 * per-user requirements 5% required, 5% optional, 1% disabled, 1% phishing-
 * resistant only; 20% hold the role that requires 2FA, 1 in 7 are in the group
 * whose role also requires it; factors 45% an authenticator app, 10% a passkey,
 * 5% Duo, 5% codes turned on (not allowed: the organisation does not allow
 * codes, else everyone required would count as protected by emailed codes).
 */
export function directoryTraits(index: number) {
  const r = (index * 2_654_435_761) % 1000;
  const f = (index * 40_503) % 100;
  const requirement =
    r >= 40 && r < 90
      ? "required"
      : r >= 90 && r < 140
        ? "optional"
        : r >= 140 && r < 150
          ? "disabled"
          : r >= 150 && r < 160
            ? "phishing_resistant"
            : "default";
  const apiAccount = r < 20;
  const sso = r >= 20 && r < 30;
  const roleHolder = index % 5 === 0;
  const groupMember = index % 7 === 3;
  const required =
    !apiAccount &&
    !sso &&
    (requirement === "required" ||
      requirement === "phishing_resistant" ||
      (requirement === "default" && (roleHolder || groupMember)));
  return {
    requirement,
    apiAccount,
    sso,
    disabled: r >= 30 && r < 40,
    roleHolder,
    groupMember,
    /** Days since 2FA became required of them (grace runs from then), or null when it is not. */
    requiredDaysAgo: required ? (index * 31) % 30 : null,
    totp: f < 45,
    passkey: f >= 45 && f < 55,
    duo: f >= 55 && f < 60,
    codes: f >= 60 && f < 65,
  };
}

/**
 * An organisation of `size` users: one admin who may read them and
 * `size - 1` members with the mix of directoryTraits (2FA optional, required
 * by a role and by a group's role, Duo configured, codes off). The export
 * of everyone is then exactly `size` rows.
 */
async function insertDirectory(
  db: Executor,
  client: Database.Database,
  input: { name: string; size: number; passwordHash: string; now: number },
): Promise<DirectoryIds> {
  const organisation = (
    await db
      .insert(organisations)
      .values({
        name: input.name,
        twoFactorPolicy: "optional",
        twoFactorGraceDays: DIRECTORY_GRACE_DAYS,
        allowCode: false,
        allowDuo: true,
        duoIntegrationKey: "DIBENCHBENCHBENCH000",
        duoSecretKeyEncrypted: "not-a-real-secret",
        duoApiHostname: "api-bench.duosecurity.com",
      })
      .returning({ id: organisations.id })
  )[0]!;
  const addRole = async (values: Omit<typeof roles.$inferInsert, "organisationId">) =>
    (
      await db
        .insert(roles)
        .values({ organisationId: organisation.id, ...values })
        .returning({ id: roles.id })
    )[0]!;
  const role = await addRole({ name: "Directory reader", permissions: ["users:read"] });
  const engineering = await addRole({ name: "Engineering", requireTwoFactor: true });
  const operators = await addRole({ name: "Operators", requireTwoFactor: true });
  const operations = (
    await db.insert(groups).values({ organisationId: organisation.id, name: "Operations" }).returning({ id: groups.id })
  )[0]!;
  await db.insert(groupRoles).values({ groupId: operations.id, roleId: operators.id });
  const admin = (
    await db
      .insert(users)
      .values({
        organisationId: organisation.id,
        email: `admin@${input.name.toLowerCase()}.test`,
        name: "Directory Admin",
        passwordHash: input.passwordHash,
      })
      .returning({ id: users.id })
  )[0]!;
  await db.insert(userRoles).values({ userId: admin.id, roleId: role.id });
  // Raw prepared statements on the same connection, inside the caller's
  // transaction: 100,000 Drizzle builders would cost more than the inserts.
  const insert = client.prepare(
    `insert into users (organisation_id, email, name, password_hash, last_sign_in_at, created_at,
       is_api_account, sso_issuer, sso_subject, disabled_at, two_factor_requirement, two_factor_required_since,
       codes_enabled_at, duo_enabled_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTotp = client.prepare(
    "insert into totp_credentials (user_id, secret_encrypted, confirmed_at) values (?, 'bench-not-a-secret', ?)",
  );
  const insertPasskey = client.prepare(
    "insert into passkeys (user_id, credential_id, public_key, device_type, name) values (?, ?, 'bench', 'multi_device', 'Laptop')",
  );
  const insertRole = client.prepare("insert into user_roles (user_id, role_id) values (?, ?)");
  const insertMember = client.prepare("insert into group_members (group_id, user_id) values (?, ?)");
  const start = Date.UTC(2024, 0, 1);
  for (let index = 0; index < input.size - 1; index++) {
    const person = directoryPerson(index, "directory.test");
    const traits = directoryTraits(index);
    // Spread the sortable dates so "last sign-in" and "created" orders are not ties.
    const signedIn = index % 3 === 0 ? null : start + ((index * 7919) % 31_536_000) * 1000;
    const id = Number(
      insert.run(
        organisation.id,
        person.email,
        person.name,
        input.passwordHash,
        signedIn,
        start + index * 1000,
        traits.apiAccount ? 1 : 0,
        traits.sso ? "https://sso.directory.test" : null,
        traits.sso ? `sso-${index}` : null,
        traits.disabled ? input.now - DAY_MS : null,
        traits.requirement,
        traits.requiredDaysAgo === null ? null : input.now - traits.requiredDaysAgo * DAY_MS - (index % 1000) * 1000,
        traits.codes ? start : null,
        traits.duo ? start : null,
      ).lastInsertRowid,
    );
    if (traits.totp) insertTotp.run(id, start);
    if (traits.passkey) insertPasskey.run(id, `bench-${input.name}-${index}`);
    if (traits.roleHolder) insertRole.run(id, engineering.id);
    if (traits.groupMember) insertMember.run(operations.id, id);
  }
  return { organisationId: organisation.id, adminId: admin.id, roleId: engineering.id, groupId: operations.id };
}

export type MainSeedCounts = {
  pageUsers: number;
  signInUsers: number;
  codeUsers: number;
  processUsers: number;
  directoryMembers: number;
};

/**
 * The database the main server runs on: the users who sign in during the run,
 * and a separate organisation of `directoryMembers` for the small admin list.
 */
export async function seedMainDatabase(file: string, key: Buffer, counts: MainSeedCounts): Promise<MainSeed> {
  const db = openSqliteDatabase(file);
  try {
    // One real hash at the app's parameters: every sign-in verifies at full cost.
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    return await db.transaction(async (tx) => {
      const organisation = (
        await tx.insert(organisations).values({ name: "Bench" }).returning({ id: organisations.id })
      )[0]!;
      const common = { organisationId: organisation.id, passwordHash, keys: createKeyRing([key]) };
      const pageUsers = await insertTotpUsers(tx, { ...common, prefix: "page", count: counts.pageUsers });
      const signInUsers = await insertTotpUsers(tx, { ...common, prefix: "signin", count: counts.signInUsers });
      const codeUsers = await insertTotpUsers(tx, { ...common, prefix: "code", count: counts.codeUsers });
      const processUsers = await insertTotpUsers(tx, { ...common, prefix: "process", count: counts.processUsers });
      const directory = await insertDirectory(tx, db.$client, {
        name: "Small",
        size: counts.directoryMembers,
        passwordHash,
        now: Date.now(),
      });
      return {
        organisationId: organisation.id,
        directory,
        pageUsers,
        signInUsers,
        codeUsers,
        processUsers,
      };
    });
  } finally {
    db.$client.close();
  }
}

/** The second database: one organisation of `size` users, for the large admin list. */
export async function seedDirectoryDatabase(file: string, size: number): Promise<DirectoryIds> {
  const db = openSqliteDatabase(file);
  try {
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    // No ANALYZE: the app never runs one, so the planner sees what it sees in production.
    return await db.transaction(
      async (tx) => await insertDirectory(tx, db.$client, { name: "Large", size, passwordHash, now: Date.now() }),
    );
  } finally {
    db.$client.close();
  }
}
