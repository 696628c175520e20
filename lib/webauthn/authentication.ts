import { and, eq } from "drizzle-orm";
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { Db } from "@/db";
import { organisations, passkeys, users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { notifyUser } from "@/lib/messaging/notify";
import { passkeyCloneSuspected } from "@/lib/messaging/security-emails";
import type { RequestContext } from "@/lib/request-context";
import { consumeChallenge, storeChallenge } from "@/lib/webauthn/challenges";
import { counterAccepted } from "@/lib/webauthn/counter";
import { credentialDescriptorsOfUser } from "@/lib/webauthn/passkeys";
import type { RelyingParty } from "@/lib/webauthn/relying-party";
import { challengeOf, type AuthenticationResponse } from "@/lib/webauthn/response-schema";

/** Signing in with a passkey as the second step, or confirming access: the user is known. */
type KnownUserPurpose = "second_factor" | "confirm";
export type AssertionPurpose = KnownUserPurpose | "passwordless";

/**
 * Options for using a passkey. With a known user, the browser is offered that
 * user's credentials, user verification preferred (the password or session
 * is the other factor). Passwordless asks for a discoverable credential
 * (allowCredentials empty) and requires user verification: the passkey is
 * then both factors by itself (NIST SP 800-63B-4 §3.1.7, multi-factor
 * cryptographic authenticator at AAL2).
 */
export async function authenticationOptions(
  db: Db,
  input: { purpose: AssertionPurpose; userId: number | null; rp: RelyingParty; bindingHash: string; now?: Date },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passwordless = input.purpose === "passwordless";
  const options = await generateAuthenticationOptions({
    rpID: input.rp.id,
    allowCredentials: passwordless || input.userId === null ? [] : await credentialDescriptorsOfUser(db, input.userId),
    userVerification: passwordless ? "required" : "preferred",
  });
  await storeChallenge(db, {
    challenge: options.challenge,
    purpose: input.purpose,
    bindingHash: input.bindingHash,
    userId: passwordless ? null : input.userId,
    now: input.now,
  });
  return options;
}

export type AssertionRefusal =
  /** Not our challenge, or used, expired, of another purpose or binding. */
  | "challenge"
  /** No passkey has this credential id (removed, or never registered here). */
  | "unknown_credential"
  /** The passkey is not the expected user's, or its user handle does not name its owner. */
  | "wrong_user"
  /** The signature, origin, RP id or user presence does not check out. */
  | "invalid"
  /** Passwordless without user verification. */
  | "no_user_verification"
  /** The signature counter did not go up: a possible clone (audited). */
  | "counter";

export type AssertionResult =
  | { ok: true; userId: number; passkeyId: number; passkeyName: string }
  /** `userId`: whose passkey it was, when that is known (for throttling and the audit log). */
  | { ok: false; reason: AssertionRefusal; userId: number | null };

/**
 * Verifies the browser's answer to authenticationOptions: the challenge is
 * used up first (so an answer is good once, whatever happens next), the
 * credential must be the expected user's (second step, confirm) or name its
 * owner by user handle (passwordless), the signature must verify for our RP id
 * and origin, and the counter must go up. The counter is written with a
 * conditional update on its old value, so two uses of one answer cannot both
 * pass.
 */
export async function verifyAssertion(
  db: Db,
  input: {
    purpose: AssertionPurpose;
    bindingHash: string;
    /** The signed-in (or half-signed-in) user; null for passwordless. */
    expectedUserId: number | null;
    response: AuthenticationResponse;
    rp: RelyingParty;
    context: RequestContext;
    now?: Date;
  },
): Promise<AssertionResult> {
  const now = input.now ?? new Date();
  const { response } = input;
  const refuse = (reason: AssertionRefusal, userId: number | null = input.expectedUserId): AssertionResult => ({
    ok: false,
    reason,
    userId,
  });
  const challenge = challengeOf(response.response.clientDataJSON);
  if (!challenge) return refuse("invalid");
  const consumed = await consumeChallenge(db, {
    challenge,
    purpose: input.purpose,
    bindingHash: input.bindingHash,
    now,
  });
  if (!consumed) return refuse("challenge");
  if (input.purpose !== "passwordless" && consumed.userId !== input.expectedUserId) return refuse("challenge");

  const [stored] = await db
    .select({
      id: passkeys.id,
      userId: passkeys.userId,
      name: passkeys.name,
      publicKey: passkeys.publicKey,
      counter: passkeys.counter,
      transports: passkeys.transports,
      organisationId: users.organisationId,
      webauthnUserId: users.webauthnUserId,
      // For telling the owner of a suspected copy.
      ownerEmail: users.email,
      ownerName: users.name,
      ownerTimeZone: users.timeZone,
      organisationName: organisations.name,
    })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(passkeys.credentialId, response.id));
  if (!stored) return refuse("unknown_credential");
  if (input.purpose === "passwordless") {
    // The authenticator names the account (WebAuthn Level 3 §7.2 step 6): it must be this credential's owner.
    if (!response.response.userHandle || response.response.userHandle !== stored.webauthnUserId)
      return refuse("wrong_user", null);
  } else if (stored.userId !== input.expectedUserId) {
    return refuse("wrong_user");
  }
  const owner = stored.userId;

  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: input.rp.origin,
      expectedRPID: input.rp.id,
      // The counter rule is ours (counterAccepted), so that a refusal can be told apart and audited.
      credential: {
        id: response.id,
        publicKey: Buffer.from(stored.publicKey, "base64url"),
        counter: 0,
        transports: stored.transports,
      },
      requireUserVerification: false,
    });
  } catch {
    return refuse("invalid", owner);
  }
  if (!verification.verified) return refuse("invalid", owner);
  const { newCounter, userVerified, credentialBackedUp } = verification.authenticationInfo;

  if (!counterAccepted(stored.counter, newCounter)) {
    await recordAuditEvent(db, {
      type: "passkey.clone_suspected",
      organisationId: stored.organisationId,
      targetUserId: owner,
      context: input.context,
      details: {
        passkey: stored.name,
        passkeyId: stored.id,
        storedCounter: stored.counter,
        receivedCounter: newCounter,
      },
      at: now,
    });
    // The owner is told at once, whoever tried (ASVS 5.0 V6.3.5, V6.3.7): the passkey may have been copied.
    await notifyUser(
      { email: stored.ownerEmail, name: stored.ownerName },
      { name: stored.organisationName },
      passkeyCloneSuspected({
        passkeyName: stored.name,
        context: input.context,
        at: now,
        timeZone: stored.ownerTimeZone ?? "UTC",
      }),
    );
    return refuse("counter", owner);
  }
  if (input.purpose === "passwordless" && !userVerified) return refuse("no_user_verification", owner);

  const updated = await db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: now, backedUp: credentialBackedUp })
    .where(and(eq(passkeys.id, stored.id), eq(passkeys.counter, stored.counter)))
    .returning({ id: passkeys.id });
  // Another request used the same or a newer signature in the meantime.
  if (updated.length === 0) return refuse("counter", owner);
  return { ok: true, userId: owner, passkeyId: stored.id, passkeyName: stored.name };
}
