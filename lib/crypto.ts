import crypto from "node:crypto";

/** A URL-safe random token carrying `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString("base64url");
}

/**
 * Tokens with 128+ random bits need no slow hash: SHA-256 cannot be reversed,
 * and lookups by hash keep a leaked table from being replayed as cookies.
 */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("base64url");
}

/** Compares two strings without revealing, through timing, where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = crypto.createHash("sha256").update(a).digest();
  const right = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(left, right);
}

const CIPHER = "aes-256-gcm";
const IV_BYTES = 12;
const VERSION = "v1";

/** AES-256-GCM; the output `v1.<iv>.<tag>.<ciphertext>` is authenticated, so tampering fails to decrypt. */
export function encryptSecret(plaintext: string, key: Buffer): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(CIPHER, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
  return [VERSION, ...parts].join(".");
}

export function decryptSecret(encrypted: string, key: Buffer): string {
  const [version, iv, tag, ciphertext] = encrypted.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("Unrecognised ciphertext");
  const decipher = crypto.createDecipheriv(CIPHER, key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
