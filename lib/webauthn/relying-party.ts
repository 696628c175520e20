import { appUrlFrom } from "@/lib/app-address";
import type { AppAddressSettings } from "@/lib/env";

/** Who the browser's authenticator signs for, and where the ceremony must have happened. */
export type RelyingParty = {
  /** The host name of APP_URL: a passkey is bound to it, so changing the host orphans every passkey. */
  id: string;
  /** Shown by some authenticators next to the passkey. */
  name: string;
  /** APP_URL's origin (scheme, host, port): the only origin whose ceremonies are accepted. */
  origin: string;
};

/**
 * The relying party from APP_URL, never from the request's Host header: a
 * forged header must not choose which origin's signatures are accepted
 * (OWASP ASVS 5.0 V6.5.x, WebAuthn Level 3 §13.4.9 origin validation).
 */
export function relyingPartyFrom(settings: AppAddressSettings, name = "Twofold"): RelyingParty {
  const url = new URL(appUrlFrom(settings, "/"));
  return { id: url.hostname, name, origin: url.origin };
}
