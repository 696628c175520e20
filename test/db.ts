import { openSqliteDatabase, type Db, type SqliteDb } from "@/db";
import { organisations, users } from "@/db/schema";
import { hashPassword } from "@/lib/auth/passwords";

/** A fresh, fully migrated in-memory database for one test. */
export function testDatabase(): SqliteDb {
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
