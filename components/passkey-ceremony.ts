"use client";

import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import { passkeyMessages } from "@/lib/messages";

/*
 * The browser's side of a passkey ceremony, through @simplewebauthn/browser:
 * the answer comes back as JSON for a server action (which checks it again
 * from scratch), or as a message a person can act on.
 */

export type CeremonyOutcome = { ok: true; json: string } | { ok: false; message: string };

function failure(error: unknown): CeremonyOutcome {
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED")
    return { ok: false, message: passkeyMessages.alreadyRegistered };
  // NotAllowedError: the person cancelled, or the time ran out; the browser does not say which.
  if (error instanceof Error && (error.name === "NotAllowedError" || error.name === "AbortError"))
    return { ok: false, message: passkeyMessages.cancelled };
  return { ok: false, message: passkeyMessages.notVerified };
}

export async function registerPasskey(optionsJSON: PublicKeyCredentialCreationOptionsJSON): Promise<CeremonyOutcome> {
  if (!browserSupportsWebAuthn()) return { ok: false, message: passkeyMessages.unsupported };
  try {
    return { ok: true, json: JSON.stringify(await startRegistration({ optionsJSON })) };
  } catch (error) {
    return failure(error);
  }
}

export async function assertWithPasskey(
  optionsJSON: PublicKeyCredentialRequestOptionsJSON,
  useBrowserAutofill = false,
): Promise<CeremonyOutcome> {
  if (!browserSupportsWebAuthn()) return { ok: false, message: passkeyMessages.unsupported };
  try {
    return { ok: true, json: JSON.stringify(await startAuthentication({ optionsJSON, useBrowserAutofill })) };
  } catch (error) {
    return failure(error);
  }
}
