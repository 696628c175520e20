import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteDatabase, type SqliteDb as Db } from "@/db";
import { wtf8, noScriptForm } from "./bodies";
import { totpCredentials } from "@/db/schema";
import { eq } from "drizzle-orm";
import { totpSecretBinding } from "@/lib/keys/bindings";
import { createKeyRing } from "@/lib/keys/key-ring";
import { decryptSecret } from "@/lib/keys/secrets";
import { consumeRecoveryCode } from "@/lib/two-factor/recovery-codes/codes";
import { seedCrashDatabase, seedHostileDatabase, type HostileSeed } from "./seed";
import { judgeDiff, takeSnapshot } from "./snapshot";
import { onPostgres } from "@/test/db";

describe("wtf8: what a hand-made client can send", () => {
  it("writes a lone surrogate as its own three bytes, not as U+FFFD", () => {
    expect([...wtf8("a\uD800b")]).toEqual([0x61, 0xed, 0xa0, 0x80, 0x62]);
    expect(wtf8("😀").equals(Buffer.from("😀"))).toBe(true);
  });

  it("percent-encodes a lone surrogate in a no-JavaScript form post instead of throwing", () => {
    expect(noScriptForm("id", [["name", "\uDFFF"]]).toString()).toBe("%24ACTION_ID_id=&name=%ED%BF%BF");
  });
});

// The soak snapshots an SQLite file.
describe.skipIf(onPostgres)("the soak's rules for database changes hostile input may cause", () => {
  let directory: string;
  let db: Db;
  let seed: HostileSeed;
  beforeEach(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "soak-rules-"));
    const file = path.join(directory, "rules.db");
    seed = await seedHostileDatabase(file, crypto.randomBytes(32));
    db = openSqliteDatabase(file);
  });
  afterEach(() => {
    db.$client.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const judge = (change: () => void, ignoreSessions = new Set<string>()) => {
    const before = takeSnapshot(db.$client);
    change();
    return judgeDiff(before, takeSnapshot(db.$client), {
      bystanderOrganisationId: seed.bystander.organisationId,
      ignoreSessions,
    });
  };

  it("accepts what valid input does: a member renamed to markup, an admin's role edited", () => {
    const report = judge(() => {
      db.$client.prepare("update users set name = ? where id = ?").run("<script>alert(1)</script> ‮", seed.member.id);
      db.$client.prepare("update roles set permissions = ? where id = ?").run('["users:read"]', seed.roleId);
    });
    expect(report.violations).toEqual([]);
    expect(report.changes.users).toEqual({ inserted: 0, deleted: 0, updated: 1, columns: { name: 1 } });
  });

  it("counts U+FFFD (invalid UTF-8 decoded, or typed) without calling it a violation", () => {
    const report = judge(() =>
      db.$client.prepare("update users set name = ? where id = ?").run("Ada \uFFFD", seed.member.id),
    );
    expect(report.violations).toEqual([]);
    expect(report.replacementCharacters).toBe(1);
  });

  it("lets anyone ask for a bystander's reset link, and nothing else", () => {
    const report = judge(() =>
      db.$client
        .prepare(
          "insert into email_links (organisation_id, user_id, purpose, token_hash, expires_at, created_at) values (?, ?, 'password_reset', 'x', ?, ?)",
        )
        .run(seed.bystander.organisationId, seed.bystander.userIds[0], Date.now() + 3_600_000, Date.now()),
    );
    expect(report.violations).toEqual([]);
  });

  it("refuses any change to the bystander organisation", () => {
    const report = judge(() =>
      db.$client.prepare("update users set name = 'x' where id = ?").run(seed.bystander.userIds[0]),
    );
    expect(report.violations.map((violation) => violation.rule)).toEqual([
      "a row of the bystander organisation changed",
    ]);
  });

  it("refuses values outside their column's type: NUL, an unknown enum value, an unknown permission, a float", () => {
    const report = judge(() => {
      db.$client.prepare("update users set name = ? where id = ?").run("a\u0000b", seed.member.id);
      db.$client.prepare("update users set name = ? where id = ?").run("[object Object]", seed.target.id);
      db.$client
        .prepare("update organisations set two_factor_policy = 'sometimes', session_duration_days = 1.5 where id = ?")
        .run(seed.organisationId);
      db.$client.prepare("update roles set permissions = ? where id = ?").run('["everything"]', seed.roleId);
    });
    expect(report.violations.map((violation) => violation.rule).sort()).toEqual([
      'name holds "[object Object]"',
      "name holds NUL",
      'permissions holds ["everything"]',
      "session_duration_days = 1.5 is not an integer",
      'two_factor_policy = "sometimes" is not one of disabled, optional, required',
    ]);
  });

  it("leaves out the sessions the soak itself made", () => {
    const report = judge(
      () =>
        db.$client
          .prepare(
            "insert into sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at) values ('h', ?, 'active', ?, ?, ?)",
          )
          .run(seed.member.id, Date.now(), Date.now(), Date.now() + 60_000),
      new Set(["h"]),
    );
    expect(report.changes.sessions).toBeUndefined();
  });
});

// The soak seeds an SQLite file.
describe.skipIf(onPostgres)("the soak's seeds, as the app reads them", () => {
  it("stores TOTP secrets and recovery codes the app's own key ring opens and spends", async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "soak-seed-"));
    const key = crypto.randomBytes(32);
    const file = path.join(directory, "crash.db");
    const seed = await seedCrashDatabase(file, key, { spenders: 1, email: 1, enrollees: 1 });
    const db = openSqliteDatabase(file);
    try {
      const spender = seed.spenders[0]!;
      const stored = (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, spender.id)))[0]!;
      const keys = createKeyRing([key]);
      expect(decryptSecret(stored.secretEncrypted, totpSecretBinding(spender.id), keys)).toBe(spender.totpSecret);
      expect(await consumeRecoveryCode(db, spender.id, spender.recoveryCodes[0]!, keys)).toBe(true);
      expect(await consumeRecoveryCode(db, spender.id, spender.recoveryCodes[0]!, keys)).toBe(false);
    } finally {
      db.$client.close();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
