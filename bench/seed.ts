import type Database from "better-sqlite3";
import { openSqliteDatabase, type Executor } from "@/db";
import { organisations, roles, totpCredentials, userRoles, users } from "@/db/schema";
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
  /** Holds users:read; signs in to the 100-user directory. */
  directoryAdmin: { id: number };
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

/** An organisation of `members` plain users plus one admin who may read them. */
async function insertDirectory(
  db: Executor,
  client: Database.Database,
  input: { name: string; members: number; passwordHash: string },
): Promise<{ organisationId: number; adminId: number }> {
  const organisation = (
    await db.insert(organisations).values({ name: input.name }).returning({ id: organisations.id })
  )[0]!;
  const role = (
    await db
      .insert(roles)
      .values({ organisationId: organisation.id, name: "Directory reader", permissions: ["users:read"] })
      .returning({ id: roles.id })
  )[0]!;
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
  // One raw prepared statement on the same connection, inside the caller's
  // transaction: 100,000 Drizzle builders would cost more than the inserts.
  const insert = client.prepare(
    "insert into users (organisation_id, email, name, password_hash, last_sign_in_at, created_at) values (?, ?, ?, ?, ?, ?)",
  );
  const start = Date.UTC(2024, 0, 1);
  for (let index = 0; index < input.members; index++) {
    const person = directoryPerson(index, "directory.test");
    // Spread the sortable dates so "last sign-in" and "created" orders are not ties.
    const signedIn = index % 3 === 0 ? null : start + ((index * 7919) % 31_536_000) * 1000;
    insert.run(organisation.id, person.email, person.name, input.passwordHash, signedIn, start + index * 1000);
  }
  return { organisationId: organisation.id, adminId: admin.id };
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
        members: counts.directoryMembers,
        passwordHash,
      });
      return {
        organisationId: organisation.id,
        directoryAdmin: { id: directory.adminId },
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

/** The second database: one organisation of `members` users, for the large admin list. */
export async function seedDirectoryDatabase(
  file: string,
  members: number,
): Promise<{ directoryAdmin: { id: number } }> {
  const db = openSqliteDatabase(file);
  try {
    const passwordHash = await hashPassword(BENCH_PASSWORD);
    // No ANALYZE: the app never runs one, so the planner sees what it sees in production.
    const { adminId } = await db.transaction(
      async (tx) => await insertDirectory(tx, db.$client, { name: "Large", members, passwordHash }),
    );
    return { directoryAdmin: { id: adminId } };
  } finally {
    db.$client.close();
  }
}
