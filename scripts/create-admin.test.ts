import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteDatabase } from "@/db";
import { organisations, users } from "@/db/schema";
import { openInvitation } from "@/lib/invitations/invitations";
import { onPostgres } from "@/test/db";

const run = promisify(execFile);

/** Runs `npm run admin:create -- …` as an operator would, against its own database file. */
async function adminCreate(
  databaseUrl: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: databaseUrl, APP_URL: "https://twofold.example.test" };
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "admin:create", "--", ...args], {
      env,
      cwd: process.cwd(),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// The script is run against an SQLite file it opens itself.
describe.skipIf(onPostgres)("npm run admin:create", () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-admin-create-"));
  const file = path.join(directory, "twofold.db");
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  it(
    "prints a working setup link and no other secret, and refuses the same address a second time",
    { timeout: 60_000 },
    async () => {
      const first = await adminCreate(`file:${file}`, [
        "--email",
        "Founder@Example.com",
        "--organisation",
        "Acme Production",
      ]);
      expect(first.code).toBe(0);
      const link = first.stdout.match(/https:\/\/twofold\.example\.test\/invite\/([A-Za-z0-9_-]+)/);
      expect(link).not.toBeNull();
      const token = link![1]!;
      // The token in the link is the only secret printed: no password, no second copy.
      expect(first.stdout.split(token)).toHaveLength(2);
      expect(first.stdout.replace(link![0], "").match(/[A-Za-z0-9_+/=-]{16,}/g)).toBeNull();
      expect(first.stdout).toContain("founder@example.com");

      const second = await adminCreate(`file:${file}`, ["--email", "founder@example.com", "--organisation", "Another"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain("already has an account");
      expect(second.stdout).not.toContain("/invite/");

      const db = openSqliteDatabase(file);
      try {
        expect(await db.select({ name: organisations.name }).from(organisations)).toEqual([
          { name: "Acme Production" },
        ]);
        expect(await db.select({ email: users.email, passwordHash: users.passwordHash }).from(users)).toEqual([
          { email: "founder@example.com", passwordHash: null },
        ]);
        expect(await openInvitation(db, token)).toMatchObject({
          email: "founder@example.com",
          organisationName: "Acme Production",
        });
      } finally {
        db.$client.close();
      }
    },
  );
});
