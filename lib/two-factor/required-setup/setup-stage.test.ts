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
    await db.update(organisations).set({ allowCode: false }).where(eq(organisations.id, user.organisationId));
  });

  it("maps each organisation flow to its stage", () => {
    expect(setupStageFor("on_screen")).toBe("setup");
    expect(setupStageFor("emailed_link")).toBe("email_setup");
  });

  it("sends a required user without a factor on screen by default, and by email when the organisation chose it", async () => {
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("setup");
    await db
      .update(organisations)
      .set({ requiredSetupFlow: "emailed_link" })
      .where(eq(organisations.id, user.organisationId));
    expect((await twoFactorStateOfUser(db, user.id)).setupStage).toBe("email_setup");
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("email_setup");
  });

  it("does not change anything for users who owe no setup", async () => {
    await db
      .update(organisations)
      .set({ requiredSetupFlow: "emailed_link" })
      .where(eq(organisations.id, user.organisationId));
    await db.insert(totpCredentials).values({ userId: user.id, secretEncrypted: "x", confirmedAt: now });
    expect((await stageAfterPassword(db, user.id, null, now)).stage).toBe("password");
    const optional = await insertUser(db, { organisationId: user.organisationId });
    expect((await stageAfterPassword(db, optional.id, null, now)).stage).toBe("active");
    await db.update(users).set({ isApiAccount: true }).where(eq(users.id, optional.id));
    expect((await stageAfterPassword(db, optional.id, null, now)).stage).toBe("active");
  });

  it("accepts a sign-in setup link only in the session it was sent for", async () => {
    const own = await createSession(db, { userId: user.id, stage: "email_setup", context, now });
    const other = await createSession(db, { userId: user.id, stage: "email_setup", context, now });
    const created = await createEmailLink(db, {
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
      await checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(other.token) }, now),
    ).toEqual({ ok: false, reason: "other_session" });
    expect(
      await checkSignInSetupLink(db, created.token, { userId: stranger.id, tokenHash: hashToken(own.token) }, now),
    ).toEqual({ ok: false, reason: "other_session" });
    expect(
      await checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(own.token) }, now),
    ).toMatchObject({ ok: true });
    expect(
      await checkSignInSetupLink(
        db,
        created.token,
        { userId: user.id, tokenHash: hashToken(own.token) },
        new Date(now.getTime() + 60_000),
      ),
    ).toEqual({ ok: false, reason: "invalid" });
    await consumeEmailLink(db, created.link.id, now);
    expect(
      await checkSignInSetupLink(db, created.token, { userId: user.id, tokenHash: hashToken(own.token) }, now),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
  });
});
