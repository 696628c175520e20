/*
 * OIDC_ALLOWED_DOMAINS: the email domains whose people an SSO sign-in may
 * create an account for. Exact match only (case-insensitive): listing
 * example.com does not admit sales.example.com. A subdomain is often run by
 * someone else (a delegated team, a vendor's mail service, a students'
 * domain), and letting everyone under a domain in by default would make the
 * list admit more than the operator wrote; each subdomain meant is listed
 * on its own. Fail closed: what is not written is not admitted.
 */

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/**
 * Reads the list: comma-separated domains, an optional leading "@" dropped,
 * lower-cased. Returns the first entry that is not a plain domain (a
 * wildcard, an address, a URL) so the operator can be told which to fix.
 * Internationalised domains are written in their ASCII (xn--) form, as
 * they appear in the email claim.
 */
export function parseAllowedEmailDomains(
  value: string | undefined,
): { ok: true; domains: string[] } | { ok: false; entry: string } {
  const domains: string[] = [];
  for (const raw of (value ?? "").split(",")) {
    const entry = raw.trim().toLowerCase().replace(/^@/, "");
    if (!entry) continue;
    if (!DOMAIN.test(entry) || entry.length > 253) return { ok: false, entry: raw.trim() };
    domains.push(entry);
  }
  return { ok: true, domains };
}

/** Whether `email` (already normalised) may be given a new account. An empty list allows every domain, as before the setting existed. */
export function emailDomainAllowed(email: string, allowedDomains: readonly string[]): boolean {
  if (allowedDomains.length === 0) return true;
  const at = email.lastIndexOf("@");
  if (at < 1) return false;
  return allowedDomains.includes(email.slice(at + 1).toLowerCase());
}
