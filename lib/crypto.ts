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

// Secrets at rest (AES-GCM under a key ring) live in lib/keys/secrets.
