import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/db";
import { organisations, totpCredentials, users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { consumeEmailLink, createEmailLink } from "@/lib/email-links";
import { hashToken } from "@/lib/crypto";
import { setupStageFor } from "@/lib/two-factor/required-setup/setup-stage";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { checkSignInSetupLink } from "@/lib/two-factor/required-setup/email-setup-link";
import { insertUser, testDatabase } from "@/test/db";

const now = new Date("2026-06-01T12:00:00Z");
const context = { ip: null, userAgent: null };

describe("the setup stage at sign-in", () => {
  let db: Db;
  let user: { id: number; organisationId: number };

  beforeEach(async () => {
    db = testDatabase();
    user = await insertUser(db, { twoFactorRequirement: "required" });
    // No codes: a required user without an app must set one up.
    db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, user.organisationId)).run();
  });

  it("maps each organisation flow to its stage", () => {
    expect(setupStageFor("on_screen")).toBe("setup");
    expect(setupStageFor("emailed_link")).toBe("email_setup");
  });

  it("sends a required user without a factor on screen by default, and by email when the organisation chose it", () => {
    expect(stageAfterPassword(db, user.id, null, now).stage).toBe("setup");
    db.update(organisations)
      .set({ requiredSetupFlow: "emailed_link" })
      .where(eq(organisations.id, user.organisationId))
      .run();
    expect(twoFactorStateOfUser(db, user.id).setupStage).toBe("email_setup");
    expect(stageAfterPassword(db, user.id, null, now).stage).toBe("email_setup");
  });

  it("does not change anything for users who owe no setup", async () => {
    db.update(organisations)
      .set({ requiredSetupFlow: "emailed_link" })
      .where(eq(organisations.id, user.organisationId))
      .run();
    db.insert(totpCredentials).values({ userId: user.id, secretEncrypted: "x", confirmedAt: now }).run();
    expect(stageAfterPassword(db, user.id, null, now).stage).toBe("password");
    const optional = await insertUser(db, { organisationId: user.organisationId });
    expect(stageAfterPassword(db, optional.id, null, now).stage).toBe("active");
    db.update(users).set({ isApiAccount: true }).where(eq(users.id, optional.id)).run();
    expect(stageAfterPassword(db, optional.id, null, now).stage).toBe("active");
  });

  it("accepts a sign-in setup link only in the session it was sent for", async () => {
    const own = createSession(db, { userId: user.id, stage: "email_setup", context, now });
    const other = createSession(db, { userId: user.id, stage: "email_setup", context, now });
    const created = createEmailLink(db, {
      organisationId: user.organisationId,
      userId: user.id,
      purpose: "sign_in_setup",
      lifetimeMs: 60_000,
      sessionTokenHash: hashToken(own.token),
      now,
    });
    if (!created.ok) throw new Error("not created");
    const stranger = await insertUser(db, { organisationId: user.organisationId });
    expect(
      checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(other.token) }, now),
    ).toEqual({ ok: false, reason: "other_session" });
    expect(
      checkSignInSetupLink(db, created.token, { userId: stranger.id, tokenHash: hashToken(own.token) }, now),
    ).toEqual({ ok: false, reason: "other_session" });
    expect(
      checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(own.token) }, now),
    ).toMatchObject({ ok: true });
    expect(
      checkSignInSetupLink(
        db,
        created.token,
        { userId: user.id, tokenHash: hashToken(own.token) },
        new Date(now.getTime() + 60_000),
      ),
    ).toEqual({ ok: false, reason: "invalid" });
    consumeEmailLink(db, created.link.id, now);
    expect(checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(own.token) }, now)).toEqual({
      ok: false,
      reason: "invalid",
    });
  });
});
