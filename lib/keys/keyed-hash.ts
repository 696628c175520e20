import crypto from "node:crypto";
import { constantTimeEqual } from "@/lib/crypto";
import type { HmacPurpose, KeyRing, RingKey } from "@/lib/keys/key-ring";

/*
 * Keyed hashes of short secrets (recovery codes, six-digit codes): a copy of
 * the database alone cannot be searched offline (NIST SP 800-63B-4 §3.1.2
 * look-up secrets, §3.1.3 out-of-band codes: verifiers store them so they resist offline attack).
 *
 *   h2.<key id>.<digest>   written now: HMAC-SHA256 under the key derived for this purpose
 *   <digest>               read only: HMAC-SHA256 under the configured key itself (before key ids)
 *
 * The message already names its purpose; the derived key separates them as well.
 */

const PREFIX = "h2";

function digest(key: Buffer, message: string): string {
  return crypto.createHmac("sha256", key).update(message, "utf8").digest("base64url");
}

function hashUnder(key: RingKey, purpose: HmacPurpose, message: string): string {
  return `${PREFIX}.${key.id}.${digest(key.hmac(purpose), message)}`;
}

/** The hash to store: under the ring's newest key. */
export function keyedHash(ring: KeyRing, purpose: HmacPurpose, message: string): string {
  return hashUnder(ring.current, purpose, message);
}

/**
 * Every value `message` may be stored as, under any key in the ring, old
 * formats included: for finding a row by its hash (a recovery code among a
 * user's set). Lookups by an HMAC value leak nothing useful through timing.
 */
export function keyedHashCandidates(ring: KeyRing, purpose: HmacPurpose, message: string): string[] {
  return [
    ...ring.keys.map((key) => hashUnder(key, purpose, message)),
    ...ring.keys.map((key) => digest(key.legacy, message)),
  ];
}

/** Whether `stored` is the hash of `message`, checked with the key it names (OWASP ASVS 5.0 V11.2.4: constant-time). */
export function verifyKeyedHash(ring: KeyRing, purpose: HmacPurpose, message: string, stored: string): boolean {
  const keyId = keyIdOfHash(stored);
  if (keyId !== null) {
    const key = ring.byId(keyId);
    return key ? constantTimeEqual(hashUnder(key, purpose, message), stored) : false;
  }
  // No key id: written before key ids, under whichever key was APP_ENCRYPTION_KEY then. Every key is tried, without stopping early.
  return ring.keys.map((key) => constantTimeEqual(digest(key.legacy, message), stored)).includes(true);
}

/** The key id a stored hash names; null for a hash from before key ids. */
export function keyIdOfHash(stored: string): string | null {
  const [prefix, keyId, value] = stored.split(".");
  return prefix === PREFIX && keyId && value !== undefined ? keyId : null;
}
