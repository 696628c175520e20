import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { auditEvents, passkeys, users } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import { SoftwareAuthenticator } from "@/test/software-authenticator";
import { authenticationOptions, verifyAssertion } from "@/lib/webauthn/authentication";
import { passkeysOfUser, MAX_PASSKEYS_PER_USER } from "@/lib/webauthn/passkeys";
import { registrationOptions, verifyRegistration } from "@/lib/webauthn/registration";
import { relyingPartyFrom } from "@/lib/webauthn/relying-party";

// Every email, captured instead of sent.
const sent = vi.hoisted(() => [] as { to: string; subject: string; text: string }[]);
vi.mock("@/lib/messaging", () => ({
  sendEmail: async (message: { to: string; subject: string; text: string }) => {
    sent.push(message);
  },
}));
beforeEach(() => {
  sent.length = 0;
});

const rp = relyingPartyFrom({ APP_URL: "https://twofold.example.com", NODE_ENV: "production", PORT: 3000 });
const context = { ip: "192.0.2.1", userAgent: "test" };

async function withPasskey(options: { backedUp?: boolean } = {}) {
  const db = testDatabase();
  const user = await insertUser(db);
  const key = new SoftwareAuthenticator();
  const registration = await registrationOptions(db, {
    user: { id: user.id, email: user.email, name: "Ada" },
    rp,
    bindingHash: "session-a",
  });
  if (!registration.ok) throw new Error("no options");
  const response = key.register({
    rpId: rp.id,
    origin: rp.origin,
    challenge: registration.options.challenge,
    backedUp: options.backedUp,
  });
  const stored = await verifyRegistration(db, {
    userId: user.id,
    response,
    name: "Work laptop",
    rp,
    bindingHash: "session-a",
  });
  return { db, user, key, stored, registration: registration.options };
}

async function assertionFor(
  setup: Awaited<ReturnType<typeof withPasskey>>,
  overrides: Partial<Parameters<SoftwareAuthenticator["assert"]>[0]> & {
    purpose?: "second_factor" | "passwordless";
  } = {},
) {
  const { db, user, key } = setup;
  const purpose = overrides.purpose ?? "second_factor";
  const options = await authenticationOptions(db, {
    purpose,
    userId: purpose === "passwordless" ? null : user.id,
    rp,
    bindingHash: "binding-1",
  });
  return {
    options,
    response: key.assert({ rpId: rp.id, origin: rp.origin, challenge: options.challenge, ...overrides }),
  };
}

describe("registering a passkey", () => {
  it("stores it under the user's name for it, with a random user handle", async () => {
    const setup = await withPasskey({ backedUp: true });
    expect(setup.stored).toMatchObject({ ok: true, passkey: { name: "Work laptop" } });
    const [user] = await setup.db.select().from(users).where(eq(users.id, setup.user.id));
    expect(user!.webauthnUserId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setup.registration.user.id).toBe(user!.webauthnUserId);
    expect(setup.registration.rp.id).toBe("twofold.example.com");
    expect(setup.registration.attestation).toBe("none");
    expect(await passkeysOfUser(setup.db, setup.user.id)).toMatchObject([{ name: "Work laptop", synced: true }]);
  });

  it("excludes the user's passkeys from the next registration", async () => {
    const { db, user, key } = await withPasskey();
    const next = await registrationOptions(db, {
      user: { id: user.id, email: user.email, name: "Ada" },
      rp,
      bindingHash: "s",
    });
    expect(next.ok && next.options.excludeCredentials).toEqual([
      { id: key.credentialId, type: "public-key", transports: ["internal"] },
    ]);
  });

  it("refuses an answer signed for another site, and a second use of the challenge", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    const registration = await registrationOptions(db, { user: { ...user, name: "Ada" }, rp, bindingHash: "s" });
    if (!registration.ok) throw new Error("no options");
    const phished = new SoftwareAuthenticator().register({
      rpId: rp.id,
      origin: "https://twofold.example.com.evil.test",
      challenge: registration.options.challenge,
    });
    expect(
      await verifyRegistration(db, { userId: user.id, response: phished, name: "x", rp, bindingHash: "s" }),
    ).toEqual({
      ok: false,
      reason: "invalid",
    });
    const honest = new SoftwareAuthenticator().register({
      rpId: rp.id,
      origin: rp.origin,
      challenge: registration.options.challenge,
    });
    expect(
      await verifyRegistration(db, { userId: user.id, response: honest, name: "x", rp, bindingHash: "s" }),
    ).toEqual({
      ok: false,
      reason: "challenge",
    });
  });

  it("stops at the cap of passkeys per user", async () => {
    const { db, user } = await withPasskey();
    await db.insert(passkeys).values(
      Array.from({ length: MAX_PASSKEYS_PER_USER - 1 }, (_, index) => ({
        userId: user.id,
        credentialId: `cred-${index}`,
        publicKey: "AA",
        deviceType: "single_device" as const,
        name: `Key ${index}`,
      })),
    );
    expect(await registrationOptions(db, { user: { ...user, name: "Ada" }, rp, bindingHash: "s" })).toEqual({
      ok: false,
      reason: "too_many",
    });
  });
});

describe("using a passkey", () => {
  it("passes as the second step for its owner, and moves the counter and last use", async () => {
    const setup = await withPasskey();
    const { options, response } = await assertionFor(setup);
    expect(options.allowCredentials?.map((credential) => credential.id)).toEqual([setup.key.credentialId]);
    expect(options.userVerification).toBe("preferred");
    const result = await verifyAssertion(setup.db, {
      purpose: "second_factor",
      bindingHash: "binding-1",
      expectedUserId: setup.user.id,
      response,
      rp,
      context,
    });
    expect(result).toMatchObject({ ok: true, userId: setup.user.id, passkeyName: "Work laptop" });
    const [row] = await setup.db.select().from(passkeys);
    expect(row!.counter).toBe(1);
    expect(row!.lastUsedAt).not.toBeNull();
  });

  it("is refused for another user's second step", async () => {
    const setup = await withPasskey();
    const other = await insertUser(setup.db, { organisationId: setup.user.organisationId });
    const options = await authenticationOptions(setup.db, {
      purpose: "second_factor",
      userId: other.id,
      rp,
      bindingHash: "binding-1",
    });
    const response = setup.key.assert({ rpId: rp.id, origin: rp.origin, challenge: options.challenge });
    expect(
      await verifyAssertion(setup.db, {
        purpose: "second_factor",
        bindingHash: "binding-1",
        expectedUserId: other.id,
        response,
        rp,
        context,
      }),
    ).toMatchObject({ ok: false, reason: "wrong_user" });
  });

  it("is refused when signed for another relying party id", async () => {
    const setup = await withPasskey();
    const { response } = await assertionFor(setup, { rpId: "evil.test" });
    expect(
      await verifyAssertion(setup.db, {
        purpose: "second_factor",
        bindingHash: "binding-1",
        expectedUserId: setup.user.id,
        response,
        rp,
        context,
      }),
    ).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("cannot be replayed", async () => {
    const setup = await withPasskey();
    const { response } = await assertionFor(setup);
    const input = {
      purpose: "second_factor" as const,
      bindingHash: "binding-1",
      expectedUserId: setup.user.id,
      response,
      rp,
      context,
    };
    expect((await verifyAssertion(setup.db, input)).ok).toBe(true);
    expect(await verifyAssertion(setup.db, input)).toMatchObject({ ok: false, reason: "challenge" });
  });

  it("is refused and audited as a possible clone when the counter goes back", async () => {
    const setup = await withPasskey();
    await setup.db.update(passkeys).set({ counter: 50 });
    const { response } = await assertionFor(setup, { counter: 7 });
    expect(
      await verifyAssertion(setup.db, {
        purpose: "second_factor",
        bindingHash: "binding-1",
        expectedUserId: setup.user.id,
        response,
        rp,
        context,
      }),
    ).toMatchObject({ ok: false, reason: "counter", userId: setup.user.id });
    const [event] = await setup.db.select().from(auditEvents).where(eq(auditEvents.type, "passkey.clone_suspected"));
    expect(event).toMatchObject({ targetUserId: setup.user.id, details: { storedCounter: 50, receivedCounter: 7 } });
    expect((await setup.db.select().from(passkeys))[0]!.counter).toBe(50);
    // The owner is told at once, with where the answer came from (ASVS 5.0 V6.3.x).
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: setup.user.email,
      subject: "Test Org: a possible copy of your passkey was refused",
    });
    expect(sent[0]!.text).toContain("Your passkey “Work laptop” was just used in a way that suggests it was copied");
    expect(sent[0]!.text).toContain("Address: 192.0.2.1");
    expect(sent[0]!.text).toContain("/profile");
  });

  describe("without a password", () => {
    it("signs in with a discoverable credential naming its owner, with user verification", async () => {
      const setup = await withPasskey();
      const [user] = await setup.db.select().from(users).where(eq(users.id, setup.user.id));
      const { options, response } = await assertionFor(setup, {
        purpose: "passwordless",
        userHandle: user!.webauthnUserId!,
      });
      expect(options.allowCredentials ?? []).toEqual([]);
      expect(options.userVerification).toBe("required");
      expect(
        await verifyAssertion(setup.db, {
          purpose: "passwordless",
          bindingHash: "binding-1",
          expectedUserId: null,
          response,
          rp,
          context,
        }),
      ).toMatchObject({ ok: true, userId: setup.user.id });
    });

    it("is refused without user verification", async () => {
      const setup = await withPasskey();
      const [user] = await setup.db.select().from(users).where(eq(users.id, setup.user.id));
      const { response } = await assertionFor(setup, {
        purpose: "passwordless",
        userHandle: user!.webauthnUserId!,
        uv: false,
      });
      expect(
        await verifyAssertion(setup.db, {
          purpose: "passwordless",
          bindingHash: "binding-1",
          expectedUserId: null,
          response,
          rp,
          context,
        }),
      ).toMatchObject({ ok: false, reason: "no_user_verification", userId: setup.user.id });
    });

    it("is refused when the user handle does not name the credential's owner", async () => {
      const setup = await withPasskey();
      const { response } = await assertionFor(setup, { purpose: "passwordless", userHandle: "c29tZW9uZS1lbHNl" });
      expect(
        await verifyAssertion(setup.db, {
          purpose: "passwordless",
          bindingHash: "binding-1",
          expectedUserId: null,
          response,
          rp,
          context,
        }),
      ).toMatchObject({ ok: false, reason: "wrong_user" });
    });
  });
});
