import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { organisations, users } from "@/db/schema";
import { requestPasswordReset, resetPasswordWithLink } from "@/lib/auth/password-reset";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { challengeMethods, sendSecondFactorCode } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { insertUser, testDatabase } from "@/test/db";

// Everything that would leave the building, captured.
const sent = vi.hoisted(() => ({
  emails: [] as { to: string; text: string }[],
  texts: [] as { to: string; body: string }[],
}));
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; text: string }) => {
    sent.emails.push(message);
  },
  sendSms: async (message: { to: string; body: string }) => {
    sent.texts.push(message);
  },
}));
vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example${path}` }));
vi.mock("@/lib/env", () => ({
  getEnv: () => ({
    APP_ENCRYPTION_KEYS: [{ key: Buffer.alloc(32, 7), source: "APP_ENCRYPTION_KEY" }],
    SMS_HOURLY_LIMIT: 500,
  }),
}));

const context = { ip: "198.51.100.7", userAgent: "vitest" };
const MOBILE = "+447700900123";

/*
 * Whoever reads a user's mailbox can reset the password. If sign-in codes
 * then went to the same mailbox, the mailbox alone would pass both steps
 * (Keycloak #12759): the attacker this file plays.
 */
describe("sign-in codes after a password reset through an emailed link", () => {
  let db: Db;
  let userId: number;

  beforeEach(async () => {
    sent.emails.length = 0;
    sent.texts.length = 0;
    db = testDatabase();
    const organisationId = (
      await db.insert(organisations).values({ name: "Acme", twoFactorPolicy: "required" }).returning()
    )[0]!.id;
    userId = (
      await insertUser(db, {
        organisationId,
        email: "ada@example.com",
        name: "Ada",
        codesEnabledAt: new Date(),
        codeDelivery: "auto",
      })
    ).id;
  });

  async function resetThroughTheMailbox() {
    const outcome = await requestPasswordReset(db, { email: "ada@example.com", context });
    if (outcome.outcome === "accepted") await outcome.deliver();
    const token = /\/login\/reset\/([A-Za-z0-9_-]+)/.exec(sent.emails.at(-1)?.text ?? "")?.[1] ?? "";
    expect((await resetPasswordWithLink(db, { token, newPassword: "the attacker's own passphrase", context })).ok).toBe(
      true,
    );
    sent.emails.length = 0;
  }

  const askForCode = async () =>
    sendSecondFactorCode(db, {
      userId,
      sessionTokenHash: hashToken((await createSession(db, { userId, stage: "password", context })).token),
      context,
    });

  it("sends no code to the mailbox that just reset the password, and the challenge does not offer codes", async () => {
    await resetThroughTheMailbox();
    expect(await askForCode()).toEqual({ ok: false, reason: "barred_by_reset" });
    expect(sent.emails.filter((email) => /\b\d{6}\b/.test(email.text))).toEqual([]);
    expect(await challengeMethods(db, userId)).toMatchObject({ codesBarredByReset: true });
    expect((await challengeMethods(db, userId)).methods).not.toContain("code");
  });

  it("still texts a verified mobile, but never falls back to email", async () => {
    await db.update(users).set({ mobileNumber: MOBILE, mobileVerifiedAt: new Date() }).where(eq(users.id, userId));
    await resetThroughTheMailbox();
    const outcome = await askForCode();
    expect(outcome).toMatchObject({ ok: true, channel: "sms" });
    expect(sent.texts.map((text) => text.to)).toEqual([MOBILE]);
    expect((await challengeMethods(db, userId)).methods).toContain("code");
  });

  it("sends codes by email again once a sign-in has completed", async () => {
    await resetThroughTheMailbox();
    // What completeSecondFactor does when another factor (or an administrator's help) finishes a sign-in.
    await db.update(users).set({ passwordResetByEmailAt: null }).where(eq(users.id, userId));
    expect(await askForCode()).toMatchObject({ ok: true, channel: "email" });
  });

  it("a password changed on the profile (with the old password) bars nothing", async () => {
    await db.update(users).set({ passwordChangedAt: new Date() }).where(eq(users.id, userId));
    expect(await askForCode()).toMatchObject({ ok: true, channel: "email" });
  });
});
