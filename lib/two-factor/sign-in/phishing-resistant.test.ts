import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db";
import { auditEvents, organisations, passkeys, roles, sessions, trustedBrowsers, userRoles, users } from "@/db/schema";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { createKeyRing } from "@/lib/keys/key-ring";
import {
  confirmAuthenticatorEnrolment,
  startAuthenticatorEnrolment,
} from "@/lib/two-factor/authenticator-app/credentials";
import { totpCodeAt } from "@/lib/two-factor/authenticator-app/totp";
import { mustSetUpNow, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { announceBreakGlass } from "@/lib/two-factor/recovery-codes/break-glass-notice";
import { verifySecondFactor } from "@/lib/two-factor/sign-in/second-factor-check";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";
import { rememberBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { insertUser, testDatabase } from "@/test/db";

// Every email, captured instead of sent.
const sent = vi.hoisted(() => [] as { to: string; subject: string; text: string }[]);
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; subject: string; text: string }) => {
    sent.push(message);
  },
}));
vi.mock("@/lib/app-url", () => ({ appUrl: (path: string) => `https://twofold.example${path}` }));

const keys = createKeyRing([crypto.randomBytes(32)]);
const context = { ip: "192.0.2.1", userAgent: "test" };
const now = new Date("2026-06-01T12:00:10Z");
// The next 30-second step: the enrolment used up the code of `now`.
const soon = new Date(now.getTime() + 30_000);

let db: Db;
let organisationId: number;

async function withAuthenticator(userId: number) {
  const started = await startAuthenticatorEnrolment(db, userId, keys, now);
  if (!started.ok) throw new Error("could not start");
  const confirmed = await confirmAuthenticatorEnrolment(db, userId, totpCodeAt(started.secret, now), keys, now);
  if (!confirmed.ok) throw new Error(confirmed.reason);
  return { secret: started.secret, recoveryCodes: confirmed.recoveryCodes };
}

async function halfSignedIn(userId: number) {
  const { token } = await createSession(db, { userId, stage: "password", context, now });
  return hashToken(token);
}

async function person(columns: Partial<typeof users.$inferInsert> = {}) {
  const user = await insertUser(db, { organisationId, ...columns });
  const full = (await db.select().from(users).where(eq(users.id, user.id)))[0]!;
  return { ...user, name: full.name };
}

async function holdRole(userId: number, role: Partial<typeof roles.$inferInsert>) {
  const roleId = (
    await db
      .insert(roles)
      .values({ organisationId, name: `Role ${Math.random()}`, ...role })
      .returning()
  )[0]!.id;
  await db.insert(userRoles).values({ userId, roleId });
}

async function addPasskey(userId: number, name = "Work laptop") {
  await db.insert(passkeys).values({
    userId,
    credentialId: crypto.randomBytes(16).toString("base64url"),
    publicKey: crypto.randomBytes(32).toString("base64url"),
    deviceType: "multi_device",
    backedUp: true,
    name,
  });
}

const eventsOf = async (userId: number, type: string) =>
  await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.targetUserId, userId), eq(auditEvents.type, type)));

beforeEach(async () => {
  db = testDatabase();
  sent.length = 0;
  organisationId = (await insertUser(db)).organisationId;
});

describe("phishing-resistant methods only, at the second step", () => {
  it("refuses a right authenticator code from a holder of a phishing-resistant role, and audits it", async () => {
    const holder = await person();
    const { secret } = await withAuthenticator(holder.id);
    await holdRole(holder.id, { requireTwoFactor: true, requirePhishingResistant: true });
    const sessionTokenHash = await halfSignedIn(holder.id);

    const result = await verifySecondFactor(db, {
      user: holder,
      sessionTokenHash,
      code: totpCodeAt(secret, soon),
      method: "totp",
      keys,
      context,
      now: soon,
    });

    expect(result).toEqual({ outcome: "method_refused" });
    const refused = await eventsOf(holder.id, "two_factor_method.refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.details).toMatchObject({ method: "totp" });
    expect(await eventsOf(holder.id, "two_factor.succeeded")).toHaveLength(0);
    // Refused unchecked: no attempt is spent, the session is still half signed in.
    const session = (await db.select().from(sessions).where(eq(sessions.tokenHash, sessionTokenHash)))[0]!;
    expect(session).toMatchObject({ stage: "password", secondFactorFailures: 0 });
  });

  it("refuses a right authenticator code from a user whose own requirement is phishing-resistant", async () => {
    const holder = await person({ twoFactorRequirement: "phishing_resistant" });
    const { secret } = await withAuthenticator(holder.id);
    const result = await verifySecondFactor(db, {
      user: holder,
      sessionTokenHash: await halfSignedIn(holder.id),
      code: totpCodeAt(secret, soon),
      method: "totp",
      keys,
      context,
      now: soon,
    });
    expect(result).toEqual({ outcome: "method_refused" });
  });

  it("refuses a code whatever the form claimed it was (a sent code)", async () => {
    const holder = await person({ twoFactorRequirement: "phishing_resistant" });
    await withAuthenticator(holder.id);
    const result = await verifySecondFactor(db, {
      user: holder,
      sessionTokenHash: await halfSignedIn(holder.id),
      code: "123456",
      method: "code",
      keys,
      context,
      now,
    });
    expect(result).toEqual({ outcome: "method_refused" });
  });

  it("accepts the same right code from someone else, and from a holder whose role asks only for 2FA", async () => {
    const other = await person();
    const { secret } = await withAuthenticator(other.id);
    await holdRole(other.id, { requireTwoFactor: true });
    const result = await verifySecondFactor(db, {
      user: other,
      sessionTokenHash: await halfSignedIn(other.id),
      code: totpCodeAt(secret, soon),
      method: "totp",
      keys,
      context,
      now: soon,
    });
    expect(result).toEqual({ outcome: "verified", method: "totp" });
    expect(await eventsOf(other.id, "two_factor_method.refused")).toHaveLength(0);
  });

  it("an explicit per-user 'required' beats a phishing-resistant role: codes are accepted", async () => {
    const holder = await person({ twoFactorRequirement: "required" });
    const { secret } = await withAuthenticator(holder.id);
    await holdRole(holder.id, { requireTwoFactor: true, requirePhishingResistant: true });
    const result = await verifySecondFactor(db, {
      user: holder,
      sessionTokenHash: await halfSignedIn(holder.id),
      code: totpCodeAt(secret, soon),
      method: "totp",
      keys,
      context,
      now: soon,
    });
    expect(result).toEqual({ outcome: "verified", method: "totp" });
  });

  it("accepts a recovery code as break-glass, and tells the user and every user administrator", async () => {
    const admin = await person({ email: "admin@example.com" });
    await holdRole(admin.id, { permissions: ["users:read", "users:manage"] });
    const reader = await person({ email: "reader@example.com" });
    await holdRole(reader.id, { permissions: ["users:read"] });
    const holder = await person({ email: "holder@example.com", twoFactorRequirement: "phishing_resistant" });
    const { recoveryCodes } = await withAuthenticator(holder.id);

    const result = await verifySecondFactor(db, {
      user: holder,
      sessionTokenHash: await halfSignedIn(holder.id),
      code: recoveryCodes[0]!,
      method: "totp",
      keys,
      context,
      now,
    });
    expect(result).toEqual({ outcome: "verified", method: "recovery_code" });
    expect(await eventsOf(holder.id, "recovery_code.used")).toHaveLength(1);

    const told = await announceBreakGlass(db, holder, { name: "Acme" }, recoveryCodes.length - 1);
    expect(told).toBe(1);
    expect(sent.map((message) => message.to).sort()).toEqual(["admin@example.com", "holder@example.com"]);
    expect(sent.find((message) => message.to === "admin@example.com")!.text).toContain(
      "https://twofold.example/admin/users/",
    );
  });
});

describe("phishing-resistant methods only, after the password", () => {
  it("with a passkey: the second step, never a remembered browser", async () => {
    const holder = await person({ twoFactorRequirement: "phishing_resistant" });
    await addPasskey(holder.id);
    const remembered = (await rememberBrowser(db, { userId: holder.id, context, now })).token;
    expect(await db.select().from(trustedBrowsers)).toHaveLength(1);
    const state = await twoFactorStateOfUser(db, holder.id, now);
    expect(state.methods).toEqual(["passkey"]);
    expect(await stageAfterPassword(db, holder.id, remembered, now)).toEqual({
      stage: "password",
      rememberedBrowser: false,
    });
  });

  it("with only an authenticator app: the second step (where only a recovery code helps), not a password-only setup", async () => {
    const holder = await person({ twoFactorRequirement: "phishing_resistant" });
    await withAuthenticator(holder.id);
    const state = await twoFactorStateOfUser(db, holder.id, now);
    expect(state).toMatchObject({ methods: [], refusedMethods: ["totp"], hasFactor: false });
    expect((await stageAfterPassword(db, holder.id, null, now)).stage).toBe("password");
    // Once in with a recovery code, a passkey is owed before anything else.
    expect(mustSetUpNow(state)).toBe(true);
  });

  it("with nothing: setup, which must offer a passkey", async () => {
    const holder = await person({ twoFactorRequirement: "phishing_resistant" });
    expect((await stageAfterPassword(db, holder.id, null, now)).stage).toBe("setup");
  });

  it("a passkey counts as a factor only where the organisation allows passkeys, unless the requirement demands one", async () => {
    const user = await person();
    await addPasskey(user.id);
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual(["passkey"]);
    await db.update(organisations).set({ allowPasskey: false }).where(eq(organisations.id, organisationId));
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual([]);
    await db.update(users).set({ twoFactorRequirement: "phishing_resistant" }).where(eq(users.id, user.id));
    expect((await twoFactorStateOfUser(db, user.id, now)).methods).toEqual(["passkey"]);
  });
});
