import crypto from "node:crypto";

/*
 * The keys that protect secrets at rest. Each configured master key is never
 * used directly for new data: HKDF (RFC 5869) derives one key per job from it,
 * so the AES-GCM key and each HMAC key are independent (OWASP ASVS 5.0
 * V11.2 / V13.3: a key serves one purpose). The master keys are 32 uniformly
 * random bytes, so HKDF's optional salt adds nothing (RFC 5869 §3.1) and is empty.
 */

/** The keyed hashes Twofold stores, and the API's signed cursors; each has its own derived key. */
export type HmacPurpose = "recovery-code" | "one-time-code" | "api-cursor";

// Changing a label changes every derived key: existing data would no longer decrypt or verify.
const INFO = {
  keyId: "twofold/key-id/v1",
  secrets: "twofold/aes-256-gcm/secrets/v2",
  "recovery-code": "twofold/hmac/recovery-code/v2",
  "one-time-code": "twofold/hmac/one-time-code/v2",
  "api-cursor": "twofold/hmac/api-cursor/v1",
} as const satisfies Record<HmacPurpose | "keyId" | "secrets", string>;

const KEY_BYTES = 32;
// 64 bits: collisions among the handful of keys a ring holds are out of the question.
const KEY_ID_BYTES = 8;

function derive(master: Buffer, info: string, length = KEY_BYTES): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", master, Buffer.alloc(0), info, length));
}

/**
 * A short, stable name for a key, stored beside what the key protects. It is
 * an HKDF output under its own label, so it reveals nothing about the key or
 * the keys derived from it.
 */
export function keyIdOf(master: Buffer): string {
  return derive(master, INFO.keyId, KEY_ID_BYTES).toString("base64url");
}

export type ConfiguredKey = {
  key: Buffer;
  /** Where the operator set it, to name it in messages: "APP_ENCRYPTION_KEYS entry 2", "APP_ENCRYPTION_KEY". */
  source: string;
};

export type RingKey = {
  readonly id: string;
  readonly source: string;
  /** AES-256-GCM key for v2 ciphertexts. */
  readonly encryption: Buffer;
  /** HMAC-SHA256 key for one kind of keyed hash. */
  hmac(purpose: HmacPurpose): Buffer;
  /**
   * The configured key itself, only to read what was written before key
   * separation (v1 ciphertexts, un-prefixed hashes). Never for new data.
   */
  readonly legacy: Buffer;
};

export type KeyRing = {
  /** The newest key: everything new is encrypted and hashed under it. */
  readonly current: RingKey;
  /** Newest first; the older ones only read data not yet re-keyed. */
  readonly keys: readonly RingKey[];
  byId(id: string): RingKey | undefined;
};

function ringKey({ key, source }: ConfiguredKey): RingKey {
  if (key.length !== KEY_BYTES) throw new Error(`${source} is ${key.length} bytes; encryption keys are ${KEY_BYTES}.`);
  const master = Buffer.from(key);
  const hmacKeys = {
    "recovery-code": derive(master, INFO["recovery-code"]),
    "one-time-code": derive(master, INFO["one-time-code"]),
    "api-cursor": derive(master, INFO["api-cursor"]),
  };
  return {
    id: keyIdOf(master),
    source,
    encryption: derive(master, INFO.secrets),
    hmac: (purpose) => hmacKeys[purpose],
    legacy: master,
  };
}

/**
 * Builds the ring from keys newest first. A key listed twice is kept once, in
 * its first place.
 */
export function createKeyRing(configured: readonly (Buffer | ConfiguredKey)[]): KeyRing {
  const keys: RingKey[] = [];
  configured.forEach((entry, index) => {
    const key = Buffer.isBuffer(entry) ? ringKey({ key: entry, source: `key ${index + 1}` }) : ringKey(entry);
    if (!keys.some((kept) => kept.legacy.equals(key.legacy))) keys.push(key);
  });
  const [current] = keys;
  if (!current) throw new Error("A key ring needs at least one key.");
  const byId = new Map(keys.map((key) => [key.id, key]));
  if (byId.size !== keys.length)
    throw new Error("Two different encryption keys have the same key id; generate a new key.");
  return { current, keys, byId: (id) => byId.get(id) };
}
