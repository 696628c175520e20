import crypto from "node:crypto";
import { promisify } from "node:util";

/*
 * What instances compare to learn whether they share their secrets, without
 * storing or sending the secrets: scrypt of the secret, salted with a fixed
 * label. The encryption and server-actions keys are 32 random bytes, but
 * AUTH_SECRET is whatever the operator typed (at least 32 characters), so the
 * fingerprint must not let someone who reads the `instances` table test
 * guesses quickly: scrypt makes each guess cost 32 MiB and tens of
 * milliseconds, where an HMAC would cost a microsecond (OWASP ASVS 5.0
 * V11.4.2, V13.3: secrets never leave their store). It runs a few times at
 * start, never per request.
 */
const LABEL = "twofold/instance-agreement/v2";
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const scrypt = promisify(crypto.scrypt) as (
  secret: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  length: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

export async function fingerprint(secret: string | Buffer): Promise<string> {
  return (await scrypt(secret, LABEL, 32, SCRYPT)).toString("base64url");
}

/**
 * The encryption key ring as one column: each key's fingerprint, newest
 * (the key that encrypts) first, joined by "." (not a base64url character).
 */
export async function ringFingerprint(keys: readonly Buffer[]): Promise<string> {
  return (await Promise.all(keys.map(fingerprint))).join(".");
}
