import "server-only";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { passkeyMessages } from "@/lib/messages";
import { notifyUser } from "@/lib/messaging/notify";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { recoveryCodesForFirstPasskey } from "@/lib/two-factor/recovery-codes/first-passkey";
import { userMayUsePasskeys } from "@/lib/two-factor/policy/passkey-permission";
import { passkeyAdded, passkeyRemoved } from "@/lib/messaging/security-emails";
import { appRelyingParty } from "@/lib/webauthn/app-relying-party";
import {
  passkeyCount,
  passkeysOfUser,
  removePasskey,
  renamePasskey,
  type PasskeySummary,
} from "@/lib/webauthn/passkeys";
import { registrationOptions, verifyRegistration } from "@/lib/webauthn/registration";
import type { RegistrationResponse } from "@/lib/webauthn/response-schema";

/*
 * The signed-in user's own passkeys, as the profile (and required setup)
 * shows and changes them. Every function acts on `current.user` only; the
 * challenges are bound to `current`'s session.
 */

export type OwnPasskeys = { allowed: boolean; passkeys: PasskeySummary[] };

/** The one rule (passkeysPermitted): the organisation's checkbox, or a phishing-resistant-only requirement. */
async function mayUsePasskeys(current: CurrentSession): Promise<boolean> {
  return await userMayUsePasskeys(getDb(), current.user.id);
}

export async function ownPasskeys(current: CurrentSession): Promise<OwnPasskeys> {
  return {
    allowed: await mayUsePasskeys(current),
    passkeys: await passkeysOfUser(getDb(), current.user.id),
  };
}

/** Whether the user has registered a passkey (required setup may then finish; recovery codes may be replaced). */
export async function hasOwnPasskey(current: CurrentSession): Promise<boolean> {
  return (await passkeyCount(getDb(), current.user.id)) > 0;
}

export type PasskeyRegistrationStart = { options: PublicKeyCredentialCreationOptionsJSON };

/** Options for the browser's registration ceremony, bound to this session. */
export async function startOwnPasskeyRegistration(
  current: CurrentSession,
): Promise<FormState<PasskeyRegistrationStart>> {
  if (!(await mayUsePasskeys(current))) return { status: "error", message: passkeyMessages.notAllowed };
  const result = await registrationOptions(getDb(), {
    user: current.user,
    rp: appRelyingParty(),
    bindingHash: current.session.tokenHash,
  });
  if (!result.ok) return { status: "error", message: passkeyMessages.tooMany };
  return { status: "success", data: { options: result.options } };
}

export type PasskeyRegistrationFinish = { recoveryCodes: string[] | null };

/**
 * Verifies and stores the new passkey; audits it and emails the owner. With
 * the user's first passkey, and no unused recovery codes, a set of codes
 * comes back to be shown once (recoveryCodesForFirstPasskey).
 */
export async function finishOwnPasskeyRegistration(
  current: CurrentSession,
  input: { name: string; response: RegistrationResponse },
): Promise<FormState<PasskeyRegistrationFinish>> {
  if (!(await mayUsePasskeys(current))) return { status: "error", message: passkeyMessages.notAllowed };
  const db = getDb();
  const result = await verifyRegistration(db, {
    userId: current.user.id,
    response: input.response,
    name: input.name,
    rp: appRelyingParty(),
    bindingHash: current.session.tokenHash,
  });
  if (!result.ok) {
    const message = {
      challenge: passkeyMessages.expired,
      invalid: passkeyMessages.notVerified,
      too_many: passkeyMessages.tooMany,
      duplicate: passkeyMessages.alreadyRegistered,
    }[result.reason];
    return { status: "error", message };
  }
  await recordActorEvent(db, current, "passkey.added", {
    targetUserId: current.user.id,
    details: { passkey: result.passkey.name, passkeyId: result.passkey.id },
  });
  await notifyUser(current.user, current.organisation, passkeyAdded({ name: result.passkey.name }));
  const recoveryCodes = await recoveryCodesForFirstPasskey(db, current.user.id, appKeyRing());
  if (recoveryCodes)
    await recordActorEvent(db, current, "recovery_codes.issued", {
      targetUserId: current.user.id,
      details: { passkeyId: result.passkey.id },
    });
  return { status: "success", message: passkeyMessages.added(result.passkey.name), data: { recoveryCodes } };
}

export async function renameOwnPasskey(current: CurrentSession, passkeyId: number, name: string): Promise<boolean> {
  const db = getDb();
  if (!(await renamePasskey(db, current.user.id, passkeyId, name))) return false;
  await recordActorEvent(db, current, "passkey.renamed", {
    targetUserId: current.user.id,
    details: { passkey: name, passkeyId },
  });
  return true;
}

/** Removes one of the user's own passkeys; false when it is not theirs (or already gone). */
export async function removeOwnPasskey(current: CurrentSession, passkeyId: number): Promise<string | null> {
  const db = getDb();
  const name = await removePasskey(db, current.user.id, passkeyId);
  if (name === null) return null;
  await recordActorEvent(db, current, "passkey.removed", {
    targetUserId: current.user.id,
    details: { passkey: name, passkeyId },
  });
  await notifyUser(current.user, current.organisation, passkeyRemoved({ name }));
  return name;
}
