import { describe, expect, it } from "vitest";
import type { PasskeyDeviceType } from "@/db/schema";
import { passkeysOfUser as adminPasskeysOfUser } from "@/lib/admin/user-passkeys";
import { passkeysOfUser as profilePasskeysOfUser } from "@/lib/webauthn/passkeys";
import { insertPasskey, insertUser, testDatabase } from "@/test/db";

describe("“synced” means one thing on the profile and on the admin page (review Info)", () => {
  it("is the backup-eligible flag (multi_device), whatever the backup state was last time", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const rows: Array<[string, PasskeyDeviceType, boolean]> = [
      ["eligible, not backed up yet", "multi_device", false],
      ["eligible, backed up", "multi_device", true],
      ["bound, flagged backed up", "single_device", true],
      ["bound", "single_device", false],
    ];
    for (const [name, deviceType, backedUp] of rows) await insertPasskey(db, user.id, { deviceType, backedUp, name });
    const profile = await profilePasskeysOfUser(db, user.id);
    const admin = await adminPasskeysOfUser(db, user.id);
    expect(profile.map((passkey) => [passkey.name, passkey.synced])).toEqual([
      ["eligible, not backed up yet", true],
      ["eligible, backed up", true],
      ["bound, flagged backed up", false],
      ["bound", false],
    ]);
    expect(admin.map((passkey) => passkey.kind)).toEqual(
      profile.map((passkey) => (passkey.synced ? "synced" : "device_bound")),
    );
  });
});
