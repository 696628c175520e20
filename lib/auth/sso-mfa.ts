/*
 * Whether an ID token's `amr` (Authentication Methods References, RFC 8176)
 * shows that the identity provider used more than one authentication
 * factor. OWASP ASVS 5.0 V6.8.4: when Twofold needs a certain strength from
 * the identity provider, it checks what the provider returned, and a token
 * that says nothing counts as the weakest (a password alone).
 *
 * Multi-factor (NIST SP 800-63B-4 §2.2: AAL2 needs two distinct factors):
 * - `mfa` (RFC 8176 §2: "multiple-factor authentication"), or
 * - methods from at least two of the three factor kinds: something you
 *   know, have, or are. Two methods of one kind (`otp` + `sms`, `pwd` +
 *   `kba`) are one factor used twice, not two factors.
 * Methods that are not a factor in themselves (`mca` multiple channels,
 * `rba` risk-based, `geo`, `user` presence, `wia` Windows integrated) add
 * nothing; an unknown value adds nothing.
 */

type FactorKind = "know" | "have" | "are";

/** RFC 8176 §2's registered methods, by the factor they prove. */
const FACTOR_OF_METHOD: Record<string, FactorKind> = {
  pwd: "know",
  pin: "know",
  kba: "know",
  otp: "have",
  sms: "have",
  tel: "have",
  hwk: "have",
  swk: "have",
  sc: "have",
  fpt: "are",
  face: "are",
  iris: "are",
  retina: "are",
  vbm: "are",
};

/** At most this many values are read: an ID token is the provider's, but a huge array is still not worth walking. */
const MAX_METHODS = 32;

export function assertsMultiFactor(amr: unknown): boolean {
  if (!Array.isArray(amr)) return false;
  const methods = amr.slice(0, MAX_METHODS).filter((method): method is string => typeof method === "string");
  if (methods.includes("mfa")) return true;
  const kinds = new Set(methods.map((method) => FACTOR_OF_METHOD[method]).filter(Boolean));
  return kinds.size >= 2;
}

/** The amr values to keep in an audit event: strings only, short, at most a few. */
export function amrForAudit(amr: unknown): string {
  if (!Array.isArray(amr)) return "(none)";
  const methods = amr
    .filter((method): method is string => typeof method === "string")
    .slice(0, 8)
    .map((method) => method.slice(0, 16));
  return methods.length ? methods.join(" ") : "(none)";
}
