import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "@/db";
import { organisations, recoveryCodes, totpCredentials, users } from "@/db/schema";
import { duoSecretKeyBinding, totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing } from "@/lib/keys/key-ring";
import { decryptSecret, encryptSecret } from "@/lib/keys/secrets";
import { onPostgres } from "@/test/db";

const run = promisify(execFile);

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const ringA = createKeyRing([keyA]);
const ringB = createKeyRing([keyB]);

/** Runs `npm run keys:rekey -- …` as an operator would, against its own database file. */
async function rekey(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "keys:rekey", "--", ...args], {
      env: { ...process.env, NODE_ENV: "production", APP_ENCRYPTION_KEY: "", APP_ENCRYPTION_KEYS: "", ...env },
      cwd: process.cwd(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function legacyV1(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"))].join(".");
}

// The script is run against an SQLite file it opens itself.
describe.skipIf(onPostgres)("npm run keys:rekey", () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-rekey-"));
  const file = path.join(directory, "twofold.db");
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it(
    "re-encrypts everything under the newest key, says what still needs the old one, and changes nothing a second time",
    { timeout: 90_000 },
    async () => {
      const seeded = openSqliteDatabase(file);
      const organisationId = (await seeded.insert(organisations).values({ name: "Acme" }).returning())[0]!.id;
      await seeded
        .update(organisations)
        .set({ duoSecretKeyEncrypted: encryptSecret("duo-secret", duoSecretKeyBinding(organisationId), ringA) });
      const userIds: number[] = [];
      for (const n of [1, 2]) {
        const [user] = await seeded
          .insert(users)
          .values({ organisationId, email: `u${n}@example.com`, name: `U${n}` })
          .returning();
        userIds.push(user!.id);
      }
      await seeded
        .insert(totpCredentials)
        .values({ userId: userIds[0]!, secretEncrypted: legacyV1("SECRETONE", keyA), confirmedAt: new Date() });
      await seeded.insert(totpCredentials).values({
        userId: userIds[1]!,
        secretEncrypted: encryptSecret("SECRETTWO", totpSecretBinding(userIds[1]!), ringA),
        confirmedAt: new Date(),
      });
      await seeded.insert(recoveryCodes).values({ userId: userIds[0]!, codeHash: "legacy-digest-without-key-id" });
      seeded.$client.close();

      const env = {
        DATABASE_URL: `file:${file}`,
        APP_ENCRYPTION_KEYS: keyB.toString("base64"),
        APP_ENCRYPTION_KEY: keyA.toString("base64"),
      };
      const first = await rekey(env);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(
        `1. key ${ringB.current.id} (APP_ENCRYPTION_KEYS entry 1): new data is written under this key`,
      );
      expect(first.stdout).toContain(
        "organisations.duo_secret_key_encrypted: 1 re-encrypted, 0 already current, 1 in all",
      );
      expect(first.stdout).toContain("totp_credentials.secret_encrypted: 2 re-encrypted, 0 already current, 2 in all");
      expect(first.stdout).toContain(
        "from before key ids (under whichever key was APP_ENCRYPTION_KEY then): 1 unused recovery code of 1 user",
      );
      expect(first.stdout).toContain(
        `key ${ringA.current.id} (APP_ENCRYPTION_KEY): keep it: hashes from before key ids may be under it.`,
      );
      // No key, derived or configured, is ever printed.
      for (const key of [keyA, keyB]) expect(first.stdout).not.toContain(key.toString("base64"));

      const second = await rekey(env);
      expect(second.stdout).toContain("totp_credentials.secret_encrypted: 0 re-encrypted, 2 already current, 2 in all");

      const db = openSqliteDatabase(file);
      try {
        const secrets = await db.select().from(totpCredentials);
        expect(secrets.map((row) => decryptSecret(row.secretEncrypted, totpSecretBinding(row.userId), ringB))).toEqual([
          "SECRETONE",
          "SECRETTWO",
        ]);
        const organisation = (await db.select().from(organisations))[0]!;
        expect(decryptSecret(organisation.duoSecretKeyEncrypted!, duoSecretKeyBinding(organisation.id), ringB)).toBe(
          "duo-secret",
        );
        // Once the old recovery code is gone, the command says the old key can go.
        await db.delete(recoveryCodes);
      } finally {
        db.$client.close();
      }
      const third = await rekey(env);
      expect(third.stdout).toContain(
        `key ${ringA.current.id} (APP_ENCRYPTION_KEY): nothing depends on it any more. You can remove it from the ring.`,
      );
    },
  );

  it("refuses a bad key list, naming the entry, and writes nothing", { timeout: 60_000 }, async () => {
    const result = await rekey({
      DATABASE_URL: `file:${file}`,
      APP_ENCRYPTION_KEYS: `${keyB.toString("base64")},not-a-key`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("APP_ENCRYPTION_KEYS entry 2 (of 2) is not 32 bytes encoded as base64");
    expect(result.stderr).toContain("Nothing was changed.");
    expect(result.stdout).toBe("");
  });
});
