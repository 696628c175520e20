import crypto from "node:crypto";

/*
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): the
 * receiver recomputes HMAC-SHA256 over "{id}.{timestamp}.{body}" with the
 * secret's decoded bytes and compares. Ten lines, so no package.
 */

const SECRET_PREFIX = "whsec_";
/** 32 random bytes: above the spec's 24-byte minimum, and a full SHA-256 block of key (ASVS 5.0 V11.5.1). */
const SECRET_BYTES = 32;

/** A new signing secret, `whsec_` + base64 of random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(SECRET_BYTES).toString("base64");
}

function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/** `v1,<base64 HMAC-SHA256>` of one message. */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac("sha256", signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The three headers a signed delivery carries. */
export function signedWebhookHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": webhookSignature(secret, id, timestamp, body),
  };
}

/** What a receiver does: whether any of the space-separated signatures in the header matches (constant time). */
export function verifyWebhookSignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
): boolean {
  const expected = Buffer.from(webhookSignature(secret, headers.id, Number(headers.timestamp), body));
  return headers.signature.split(" ").some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
