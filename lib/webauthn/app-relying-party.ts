import "server-only";
import { getEnv } from "@/lib/env";
import { relyingPartyFrom, type RelyingParty } from "@/lib/webauthn/relying-party";

/** This server's relying party, from APP_URL (see relyingPartyFrom). */
export function appRelyingParty(): RelyingParty {
  return relyingPartyFrom(getEnv());
}
