import { randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import type { Db } from "@/db";
import { passkeys, users } from "@/db/schema";
import { consumeChallenge, storeChallenge } from "@/lib/webauthn/challenges";
import { credentialDescriptorsOfUser, MAX_PASSKEYS_PER_USER, passkeyCount } from "@/lib/webauthn/passkeys";
import type { RelyingParty } from "@/lib/webauthn/relying-party";
import { challengeOf, type RegistrationResponse } from "@/lib/webauthn/response-schema";

/**
 * The user's WebAuthn handle: 32 random bytes made on first use (WebAuthn
 * Level 3 §14.6.1: no personal data, not the database id). A conditional
 * update, so two first registrations at once agree on one handle.
 */
export async function webauthnUserIdOf(db: Db, userId: number): Promise<string> {
  await db
    .update(users)
    .set({ webauthnUserId: randomBytes(32).toString("base64url") })
    .where(and(eq(users.id, userId), isNull(users.webauthnUserId)));
  const [row] = await db.select({ handle: users.webauthnUserId }).from(users).where(eq(users.id, userId));
  if (!row?.handle) throw new Error(`No user ${userId}`);
  return row.handle;
}

export type RegistrationOptionsResult =
  { ok: true; options: PublicKeyCredentialCreationOptionsJSON } | { ok: false; reason: "too_many" };

/** Options for adding a passkey, with a challenge bound to the asking session. */
export async function registrationOptions(
  db: Db,
  input: { user: { id: number; email: string; name: string }; rp: RelyingParty; bindingHash: string; now?: Date },
): Promise<RegistrationOptionsResult> {
  const { user, rp } = input;
  if ((await passkeyCount(db, user.id)) >= MAX_PASSKEYS_PER_USER) return { ok: false, reason: "too_many" };
  const handle = await webauthnUserIdOf(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: Buffer.from(handle, "base64url"),
    userName: user.email,
    userDisplayName: user.name,
    attestationType: "none",
    // The same authenticator twice is refused by the browser before the user is asked.
    excludeCredentials: await credentialDescriptorsOfUser(db, user.id),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await storeChallenge(db, {
    challenge: options.challenge,
    purpose: "register",
    bindingHash: input.bindingHash,
    userId: user.id,
    now: input.now,
  });
  return { ok: true, options };
}

export type RegistrationResult =
  | { ok: true; passkey: { id: number; name: string } }
  /** `challenge`: not ours, used, expired or another session's; `invalid`: the answer does not verify. */
  | { ok: false; reason: "challenge" | "invalid" | "too_many" | "duplicate" };

/** Verifies the browser's answer to registrationOptions and stores the new passkey under the user's name for it. */
export async function verifyRegistration(
  db: Db,
  input: {
    userId: number;
    response: RegistrationResponse;
    name: string;
    rp: RelyingParty;
    bindingHash: string;
    now?: Date;
  },
): Promise<RegistrationResult> {
  const now = input.now ?? new Date();
  const challenge = challengeOf(input.response.response.clientDataJSON);
  if (!challenge) return { ok: false, reason: "invalid" };
  const consumed = await consumeChallenge(db, {
    challenge,
    purpose: "register",
    bindingHash: input.bindingHash,
    now,
  });
  if (!consumed || consumed.userId !== input.userId) return { ok: false, reason: "challenge" };
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!verification.verified) return { ok: false, reason: "invalid" };
  const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
  return await db.transaction(async (tx) => {
    const existing = await tx
      .select({ id: passkeys.id })
      .from(passkeys)
      .where(eq(passkeys.credentialId, credential.id));
    if (existing.length > 0) return { ok: false as const, reason: "duplicate" as const };
    if ((await passkeyCount(tx, input.userId)) >= MAX_PASSKEYS_PER_USER)
      return { ok: false as const, reason: "too_many" as const };
    const [stored] = await tx
      .insert(passkeys)
      .values({
        userId: input.userId,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString("base64url"),
        counter: credential.counter,
        transports: credential.transports ?? [],
        deviceType: credentialDeviceType === "multiDevice" ? "multi_device" : "single_device",
        backedUp: credentialBackedUp,
        aaguid: aaguid === "00000000-0000-0000-0000-000000000000" ? null : aaguid,
        name: input.name,
        createdAt: now,
      })
      .returning({ id: passkeys.id, name: passkeys.name });
    return { ok: true as const, passkey: stored! };
  });
}
