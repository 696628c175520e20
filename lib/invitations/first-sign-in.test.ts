import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { totpCredentials } from "@/db/schema";
import { INVITATION_EMAIL_PROOF_MS, stageAfterInvitation } from "@/lib/invitations/first-sign-in";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { insertUser, testDatabase } from "@/test/db";

const now = new Date("2026-06-01T12:00:00Z");

describe("the invitation as the first sign-in's email proof", () => {
  let db: Db;
  let invitee: { id: number };

  beforeEach(async () => {
    db = testDatabase();
    // Required to use 2FA, nothing set up, codes allowed: the emailed code is their only second step.
    invitee = await insertUser(db, { twoFactorRequirement: "required" });
  });

  const stageFor = async (sentAt: Date) =>
    stageAfterInvitation(
      db,
      { userId: invitee.id, sentAt, now },
      (await stageAfterPassword(db, invitee.id, null, now)).stage,
    );

  it("counts a link sent today: no second emailed code", async () => {
    expect((await stageAfterPassword(db, invitee.id, null, now)).stage).toBe("password");
    expect(await stageFor(new Date(now.getTime() - 60_000))).toBe("active");
  });

  it("does not count a link older than a day, which may have sat in logs and scanners: a code is asked for", async () => {
    expect(await stageFor(new Date(now.getTime() - INVITATION_EMAIL_PROOF_MS - 1))).toBe("password");
  });

  it("never stands in for an authenticator app", async () => {
    await db.insert(totpCredentials).values({ userId: invitee.id, secretEncrypted: "x", confirmedAt: now });
    expect(await stageFor(new Date(now.getTime() - 60_000))).toBe("password");
  });
});
