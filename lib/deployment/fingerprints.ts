import crypto from "node:crypto";

/*
 * What instances compare to learn whether they share their secrets, without
 * storing or sending the secrets: HMAC-SHA256 keyed by the secret over a fixed
 * label. Without the secret it cannot be computed or reversed, and every
 * secret compared here is 32 random bytes, so it cannot be guessed from the
 * fingerprint either (OWASP ASVS 5.0 V13.3: secrets never leave their store).
 */
const LABEL = "twofold/instance-agreement/v1";

export function fingerprint(secret: string | Buffer): string {
  return crypto.createHmac("sha256", secret).update(LABEL).digest("base64url");
}

/**
 * The encryption key ring as one column: each key's fingerprint, newest
 * (the key that encrypts) first, joined by "." (not a base64url character).
 */
export function ringFingerprint(keys: readonly Buffer[]): string {
  return keys.map(fingerprint).join(".");
}
