import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { openSqliteDatabase, runStatement, type Db, type SqliteDb } from "@/db";
import { configuredDialect } from "@/db/dialect";
import { freshPostgresDatabase } from "./postgres";
import { organisations, passkeys, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";

/**
 * A fresh, fully migrated database for one test: in memory on SQLite, or a
 * copy of a migrated template when the unit tests run on PostgreSQL
 * (TEST_POSTGRES_URL with DATABASE_URL naming PostgreSQL, vitest.config.ts).
 */
export function testDatabase(): SqliteDb {
  if (configuredDialect() === "postgres") return freshPostgresDatabase(process.env.TEST_POSTGRES_URL!);
  return openSqliteDatabase(":memory:");
}

export async function insertUser(
  db: Db,
  {
    password = "correct horse battery staple",
    ...columns
  }: Partial<typeof users.$inferInsert> & { password?: string } = {},
): Promise<{ id: number; organisationId: number; email: string; password: string }> {
  const organisationId =
    columns.organisationId ?? (await db.insert(organisations).values({ name: "Test Org" }).returning())[0]!.id;
  const user = (
    await db
      .insert(users)
      .values({
        email: `user${Math.random().toString(36).slice(2)}@example.com`,
        name: "Test User",
        passwordHash: await hashPassword(password),
        ...columns,
        organisationId,
      })
      .returning()
  )[0]!;
  return { id: user.id, organisationId, email: user.email, password };
}

/** A passkey row of `userId`, with a random credential and key: for tests about the row, not a ceremony. Its id. */
export async function insertPasskey(
  db: Db,
  userId: number,
  columns: Partial<typeof passkeys.$inferInsert> = {},
): Promise<number> {
  const [row] = await db
    .insert(passkeys)
    .values({
      userId,
      credentialId: crypto.randomBytes(16).toString("base64url"),
      publicKey: crypto.randomBytes(32).toString("base64url"),
      deviceType: "single_device",
      name: "Key",
      ...columns,
    })
    .returning({ id: passkeys.id });
  return row!.id;
}

/** The unit tests run on PostgreSQL (vitest.config.ts): tests of SQLite's own files and statements are skipped. */
export const onPostgres = configuredDialect() === "postgres";

/** Deletes the record of the newest applied migration, as if the database were one migration behind. */
export async function forgetNewestMigration(db: Db): Promise<void> {
  const table = onPostgres ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
  await runStatement(db, sql.raw(`delete from ${table} where created_at = (select max(created_at) from ${table})`));
}
