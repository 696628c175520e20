import { getEnv } from "@/lib/env";
import { createKeyRing, type KeyRing } from "@/lib/keys/key-ring";

let cached: { source: object; ring: KeyRing } | undefined;

/** The server's key ring, from APP_ENCRYPTION_KEYS and APP_ENCRYPTION_KEY; HKDF runs once per key, not per request. */
export function appKeyRing(): KeyRing {
  const configured = getEnv().APP_ENCRYPTION_KEYS;
  if (cached?.source !== configured) cached = { source: configured, ring: createKeyRing(configured) };
  return cached.ring;
}
