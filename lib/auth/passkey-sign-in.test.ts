import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, signInFailures, users } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import { SoftwareAuthenticator } from "@/test/software-authenticator";
import { addressKey } from "@/lib/auth/client-address";
import { passwordlessOptions, signInWithPasskey } from "@/lib/auth/passkey-sign-in";
import { registrationOptions, verifyRegistration } from "@/lib/webauthn/registration";
import { relyingPartyFrom } from "@/lib/webauthn/relying-party";

const rp = relyingPartyFrom({ APP_URL: "https://twofold.example.com", NODE_ENV: "production", PORT: 3000 });
const context = { ip: "203.0.113.7", userAgent: "test" };

async function userWithPasskey(columns: Partial<typeof users.$inferInsert> = {}) {
  const db = testDatabase();
  const user = await insertUser(db, columns);
  const key = new SoftwareAuthenticator();
  const registration = await registrationOptions(db, { user: { ...user, name: "Ada" }, rp, bindingHash: "s" });
  if (!registration.ok) throw new Error("no options");
  const stored = await verifyRegistration(db, {
    userId: user.id,
    response: key.register({ rpId: rp.id, origin: rp.origin, challenge: registration.options.challenge }),
    name: "Phone",
    rp,
    bindingHash: "s",
  });
  if (!stored.ok) throw new Error("not stored");
  const [row] = await db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, user.id));
  return { db, user, key, handle: row!.handle! };
}

/** Options for the browser holding "cookie-1", the passkey's answer, and the sign-in with it (from `answeredFrom`, at `now`). */
async function attempt(
  setup: Awaited<ReturnType<typeof userWithPasskey>>,
  { uv = true, answeredFrom = "cookie-1", now }: { uv?: boolean; answeredFrom?: string; now?: Date } = {},
) {
  const { db, key, handle } = setup;
  const options = await passwordlessOptions(db, { bindingHash: "cookie-1", context, rp });
  if (!options.ok) throw new Error("throttled");
  const response = key.assert({
    rpId: rp.id,
    origin: rp.origin,
    challenge: options.options.challenge,
    uv,
    userHandle: handle,
  });
  return await signInWithPasskey(db, { response, bindingHash: answeredFrom, context, rp, now });
}

describe("signing in with a passkey alone", () => {
  it("signs in the passkey's owner when it verified the user", async () => {
    const setup = await userWithPasskey();
    expect(await attempt(setup)).toEqual({ ok: true, userId: setup.user.id });
  });

  it("refuses a passkey that did not verify the user, and audits it", async () => {
    const setup = await userWithPasskey();
    expect(await attempt(setup, { uv: false })).toEqual({ ok: false, reason: "no_user_verification" });
    const [event] = await setup.db.select().from(auditEvents).where(eq(auditEvents.type, "passkey_sign_in.failed"));
    expect(event).toMatchObject({ targetUserId: setup.user.id, details: { reason: "no_user_verification" } });
  });

  it.each([
    ["a disabled user", { disabledAt: new Date() }, "disabled"],
    ["an API account", { isApiAccount: true }, "api_account"],
    ["an SSO user", { ssoIssuer: "https://idp.example.com", ssoSubject: "abc" }, "sso_account"],
  ] as const)("refuses %s", async (_name, columns, reason) => {
    const setup = await userWithPasskey(columns);
    expect(await attempt(setup)).toEqual({ ok: false, reason });
  });

  it("refuses an answer from another browser (another cookie)", async () => {
    const setup = await userWithPasskey();
    expect(await attempt(setup, { answeredFrom: "cookie-2" })).toEqual({ ok: false, reason: "challenge" });
  });
});

describe("an expired or unknown challenge (review L4)", () => {
  const addressFailures = async (db: Awaited<ReturnType<typeof userWithPasskey>>["db"]) =>
    // The password limiter's key for this address (the options cap has a key of its own).
    (
      await db
        .select()
        .from(signInFailures)
        .where(eq(signInFailures.key, addressKey(context.ip)))
    ).length;

  it("is refused and audited, but not counted as an address failure: nothing was guessed", async () => {
    const setup = await userWithPasskey();
    // The autofill request of a login tab left open past the challenge's two minutes.
    const later = new Date(Date.now() + 10 * 60 * 1000);
    expect(await attempt(setup, { now: later })).toEqual({ ok: false, reason: "challenge" });
    // A challenge the server never issued.
    const forged = setup.key.assert({
      rpId: rp.id,
      origin: rp.origin,
      challenge: "bm90LWlzc3VlZA",
      userHandle: setup.handle,
    });
    expect(await signInWithPasskey(setup.db, { response: forged, bindingHash: "cookie-1", context, rp })).toEqual({
      ok: false,
      reason: "challenge",
    });
    expect(await addressFailures(setup.db)).toBe(0);
    const failed = await setup.db.select().from(auditEvents).where(eq(auditEvents.type, "passkey_sign_in.failed"));
    expect(failed.map((event) => event.details)).toEqual([{ reason: "challenge" }, { reason: "challenge" }]);
  });

  it("while an answer that was checked and failed still counts", async () => {
    const setup = await userWithPasskey();
    expect(await attempt(setup, { uv: false })).toEqual({ ok: false, reason: "no_user_verification" });
    expect(await addressFailures(setup.db)).toBe(1);
  });
});
