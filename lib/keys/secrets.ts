import crypto from "node:crypto";
import type { SecretBinding } from "@/lib/keys/bindings";
import type { KeyRing, RingKey } from "@/lib/keys/key-ring";

/*
 * Secrets at rest: AES-256-GCM (OWASP ASVS 5.0 V11.3.2, V11.3.3).
 *
 *   v2.<key id>.<iv>.<tag>.<ciphertext>   written now: the key derived for secrets from the ring key <key id>,
 *                                         associated data binding it to its table, column and row
 *   v1.<iv>.<tag>.<ciphertext>            read only to upgrade it to v2: the configured key itself, no associated data
 *
 * Each part is base64url. Both versions require a 16-byte tag: Node accepts a
 * truncated tag unless told its length, and a 4-byte tag can be forged by trial.
 */

const CIPHER = "aes-256-gcm";
// A random 96-bit IV per encryption (NIST SP 800-38D §8.2.2); far below 2^32 encryptions per key.
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A ciphertext that cannot be read: tampered with, moved to another row, truncated, or under a key not in the ring. */
export class UnreadableSecretError extends Error {
  override name = "UnreadableSecretError";
}

function associatedData(keyId: string, binding: SecretBinding): Buffer {
  // The header is bound too, so a ciphertext cannot be relabelled with another version or key id.
  return Buffer.from(`v2.${keyId}|${binding}`, "utf8");
}

export function encryptSecret(plaintext: string, binding: SecretBinding, ring: KeyRing): string {
  const key = ring.current;
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(CIPHER, key.encryption, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(key.id, binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
  return ["v2", key.id, ...parts].join(".");
}

function open(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, aad: Buffer | null): string | null {
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = crypto.createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeParts(parts: string[]): Buffer[] | null {
  return parts.every((part) => BASE64URL.test(part)) ? parts.map((part) => Buffer.from(part, "base64url")) : null;
}

export type OpenedSecret = {
  plaintext: string;
  /** The ring key that opened it. */
  key: RingKey;
  /** Whether it is v2 under the ring's newest key, so re-keying would change nothing. */
  upToDate: boolean;
};

export type OpenOptions = {
  /**
   * Read v1 too: only for upgrading stored values to v2 (lib/keys/rekey.ts,
   * at start and in `npm run keys:rekey`). A v1 value is bound to no row, so
   * the server itself never reads one: whoever can write to the database
   * could otherwise paste an old v1 value (their own authenticator secret,
   * from a backup or from before the upgrade) into someone else's row and
   * have it accepted as theirs, which v2's associated data exists to prevent.
   */
  acceptV1?: boolean;
};

/** Decrypts, and says under which key and format it was stored: what `npm run keys:rekey` needs. */
export function openSecret(
  stored: string,
  binding: SecretBinding,
  ring: KeyRing,
  { acceptV1 = false }: OpenOptions = {},
): OpenedSecret {
  const parts = stored.split(".");
  if (parts[0] === "v2" && parts.length === 5) {
    const key = ring.byId(parts[1]!);
    if (!key) throw new UnreadableSecretError(`Encrypted under key id ${parts[1]}, which is not in the key ring.`);
    const decoded = decodeParts(parts.slice(2));
    const plaintext = decoded
      ? open(key.encryption, decoded[0]!, decoded[1]!, decoded[2]!, associatedData(key.id, binding))
      : null;
    if (plaintext === null) throw new UnreadableSecretError("The ciphertext failed authentication.");
    return { plaintext, key, upToDate: key === ring.current };
  }
  if (parts[0] === "v1" && parts.length === 4) {
    if (!acceptV1)
      throw new UnreadableSecretError(
        "A v1 ciphertext, bound to no row: the server reads only v2 (v1 values are upgraded when it starts).",
      );
    const decoded = decodeParts(parts.slice(1));
    // v1 names no key: try each, as the key it was written under may be an older one now.
    for (const key of decoded ? ring.keys : []) {
      const plaintext = open(key.legacy, decoded![0]!, decoded![1]!, decoded![2]!, null);
      if (plaintext !== null) return { plaintext, key, upToDate: false };
    }
    throw new UnreadableSecretError("The v1 ciphertext failed authentication under every key in the ring.");
  }
  throw new UnreadableSecretError("Unrecognised ciphertext format.");
}

export function decryptSecret(stored: string, binding: SecretBinding, ring: KeyRing): string {
  return openSecret(stored, binding, ring).plaintext;
}
