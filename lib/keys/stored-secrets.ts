import { changedRows, type Executor } from "@/db";
import { and, eq, isNotNull } from "drizzle-orm";
import { organisations, totpCredentials, webhooks } from "@/db/schema";
import { duoSecretKeyBinding, totpSecretBinding, webhookSecretBinding, type SecretBinding } from "@/lib/keys/bindings";

/**
 * Every column that holds a ciphertext (lib/keys/secrets), with how each row
 * is bound: what `npm run keys:rekey` walks. A new encrypted column belongs here.
 */
export type StoredSecretColumn = {
  /** table.column, as the re-key command reports it. */
  name: string;
  rows(db: Executor): Promise<{ id: number; stored: string }[]>;
  binding(id: number): SecretBinding;
  /** Replaces `from` with `to`, only if the row still holds `from`: a secret changed meanwhile is left alone. */
  replace(db: Executor, id: number, from: string, to: string): Promise<boolean>;
};

export const storedSecretColumns: readonly StoredSecretColumn[] = [
  {
    name: "organisations.duo_secret_key_encrypted",
    rows: async (db) =>
      (
        await db
          .select({ id: organisations.id, stored: organisations.duoSecretKeyEncrypted })
          .from(organisations)
          .where(isNotNull(organisations.duoSecretKeyEncrypted))
      ).map((row) => ({ id: row.id, stored: row.stored! })),
    binding: duoSecretKeyBinding,
    replace: async (db, id, from, to) =>
      changedRows(
        await db
          .update(organisations)
          .set({ duoSecretKeyEncrypted: to })
          .where(and(eq(organisations.id, id), eq(organisations.duoSecretKeyEncrypted, from))),
      ) === 1,
  },
  {
    name: "totp_credentials.secret_encrypted",
    rows: async (db) =>
      await db.select({ id: totpCredentials.userId, stored: totpCredentials.secretEncrypted }).from(totpCredentials),
    binding: totpSecretBinding,
    replace: async (db, id, from, to) =>
      changedRows(
        await db
          .update(totpCredentials)
          .set({ secretEncrypted: to })
          .where(and(eq(totpCredentials.userId, id), eq(totpCredentials.secretEncrypted, from))),
      ) === 1,
  },
  {
    name: "webhooks.secret_encrypted",
    rows: async (db) => await db.select({ id: webhooks.id, stored: webhooks.secretEncrypted }).from(webhooks),
    binding: webhookSecretBinding,
    replace: async (db, id, from, to) =>
      changedRows(
        await db
          .update(webhooks)
          .set({ secretEncrypted: to })
          .where(and(eq(webhooks.id, id), eq(webhooks.secretEncrypted, from))),
      ) === 1,
  },
];
