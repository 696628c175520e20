import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";
import { AUDIT_EVENT_NAMES } from "@/lib/audit-events";

const MIGRATIONS = path.join(process.cwd(), "db", "migrations");

/** A copy of the migrations folder whose journal stops before `tag`: the database as it was before that migration. */
function migrationsBefore(tag: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "twofold-migrations-"));
  fs.cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(index).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, index);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

describe("0009_audit_event_names", () => {
  it("renames stored audit events to the names of lib/audit-events.ts, and leaves others alone", () => {
    const client = new Database(":memory:");
    const db = drizzle(client);
    const before = migrationsBefore("0009_audit_event_names");
    try {
      migrate(db, { migrationsFolder: before });
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
    }
    const insert = client.prepare("insert into audit_events (type, organisation_id) values (?, null)");
    // Written out literally: the old names as rows of earlier releases hold them.
    const stored = [
      "sign_in.sso",
      "sign_out",
      "sessions.revoked_all",
      "user.sessions_revoked",
      "two_factor.enabled",
      "two_factor.skipped_remembered_browser",
      "two_factor.setup_skipped",
      "two_factor.requirement_changed",
      "two_factor.codes_enabled",
      "two_factor.preferred_method_changed",
      "two_factor.duo_enabled",
      "two_factor.duo_disabled",
      "duo.unreachable",
      "duo.bypass_refused",
      "duo.connection_tested",
      "access.confirmation_failed",
      "code.delivery_failed",
      "setup_link.delivery_failed",
      "password_reset.delivery_failed",
      "sign_in.succeeded",
      "two_factor.disabled",
    ];
    for (const type of stored) insert.run(type);

    migrate(db, { migrationsFolder: MIGRATIONS });

    const types = (client.prepare("select type from audit_events order by id").all() as { type: string }[]).map(
      (row) => row.type,
    );
    expect(types).toEqual([
      "sso_sign_in.succeeded",
      "session.ended",
      "organisation_sessions.revoked",
      "user_sessions.revoked",
      "authenticator_app.enabled",
      "two_factor.skipped",
      "two_factor_setup.skipped",
      "two_factor_requirement.changed",
      "sign_in_codes.enabled",
      "preferred_method.changed",
      "duo.enabled",
      "duo.disabled",
      "duo_connection.failed",
      "duo_bypass.refused",
      "duo_connection.tested",
      "access_confirmation.failed",
      "code.undelivered",
      "setup_link.undelivered",
      "password_reset.undelivered",
      // Renamed again by 0011_sign_in_events.
      "sign_in.password_verified",
      "two_factor.disabled",
    ]);
    for (const type of types) expect(AUDIT_EVENT_NAMES).toContain(type);
    client.close();
  });
});

describe("0011_sign_in_events", () => {
  it("renames the stored password step to sign_in.password_verified, and leaves the rest alone", () => {
    const client = new Database(":memory:");
    const db = drizzle(client);
    const before = migrationsBefore("0011_sign_in_events");
    try {
      migrate(db, { migrationsFolder: before });
    } finally {
      fs.rmSync(before, { recursive: true, force: true });
    }
    const insert = client.prepare("insert into audit_events (type, organisation_id) values (?, null)");
    for (const type of ["sign_in.succeeded", "sso_sign_in.succeeded", "two_factor.succeeded"]) insert.run(type);

    migrate(db, { migrationsFolder: MIGRATIONS });

    const types = (client.prepare("select type from audit_events order by id").all() as { type: string }[]).map(
      (row) => row.type,
    );
    expect(types).toEqual(["sign_in.password_verified", "sso_sign_in.succeeded", "two_factor.succeeded"]);
    for (const type of types) expect(AUDIT_EVENT_NAMES).toContain(type);
    client.close();
  });
});
