import { describe, expect, it } from "vitest";
import { organisations, users } from "@/db/schema";
import { insertUser, testDatabase } from "@/test/db";
import { SoftwareAuthenticator } from "@/test/software-authenticator";
import { passwordlessOptions, signInWithPasskey } from "@/lib/auth/passkey-sign-in";
import { userMayUsePasskeys } from "@/lib/two-factor/policy/passkey-permission";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { registrationOptions, verifyRegistration } from "@/lib/webauthn/registration";
import { relyingPartyFrom } from "@/lib/webauthn/relying-party";
import { eq } from "drizzle-orm";

const rp = relyingPartyFrom({ APP_URL: "https://twofold.example.com", NODE_ENV: "production", PORT: 3000 });
const context = { ip: "203.0.113.9", userAgent: "test" };

async function userOfUntickedOrganisation(requirement: "phishing_resistant" | "default") {
  const db = testDatabase();
  const [organisation] = await db.insert(organisations).values({ name: "Org", allowPasskey: false }).returning();
  const user = await insertUser(db, { organisationId: organisation!.id, twoFactorRequirement: requirement });
  return { db, user };
}

async function registerAndSignIn(
  db: ReturnType<typeof testDatabase>,
  user: { id: number; email: string; organisationId: number },
) {
  const key = new SoftwareAuthenticator();
  const registration = await registrationOptions(db, { user: { ...user, name: "Ada" }, rp, bindingHash: "s" });
  if (!registration.ok) throw new Error("no options");
  const stored = await verifyRegistration(db, {
    userId: user.id,
    response: key.register({ rpId: rp.id, origin: rp.origin, challenge: registration.options.challenge }),
    name: "Key",
    rp,
    bindingHash: "s",
  });
  if (!stored.ok) throw new Error("not stored");
  const [row] = await db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, user.id));
  const options = await passwordlessOptions(db, { bindingHash: "cookie", context, rp });
  if (!options.ok) throw new Error("throttled");
  const response = key.assert({
    rpId: rp.id,
    origin: rp.origin,
    challenge: options.options.challenge,
    uv: true,
    userHandle: row!.handle!,
  });
  return await signInWithPasskey(db, { response, bindingHash: "cookie", context, rp });
}

describe("may this user use passkeys (one rule)", () => {
  it("allows a phishing-resistant-only user to register and use one though the organisation's box is unticked", async () => {
    const { db, user } = await userOfUntickedOrganisation("phishing_resistant");
    expect(await userMayUsePasskeys(db, user.id)).toBe(true);
    const signIn = await registerAndSignIn(db, user);
    expect(signIn).toEqual({ ok: true, userId: user.id });
    expect((await twoFactorStateOfUser(db, user.id)).methods).toEqual(["passkey"]);
  });

  it("refuses an ordinary user of that organisation, at registration and at sign-in", async () => {
    const { db, user } = await userOfUntickedOrganisation("default");
    expect(await userMayUsePasskeys(db, user.id)).toBe(false);
    // A passkey left from before the box was unticked still signs nobody in.
    const signIn = await registerAndSignIn(db, user);
    expect(signIn).toEqual({ ok: false, reason: "not_allowed" });
    expect((await twoFactorStateOfUser(db, user.id)).methods).not.toContain("passkey");
  });

  it("allows everyone when the organisation's box is ticked", async () => {
    const db = testDatabase();
    const user = await insertUser(db);
    expect(await userMayUsePasskeys(db, user.id)).toBe(true);
  });
});
