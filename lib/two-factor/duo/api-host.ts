/*
 * Which Duo "API hostname" Twofold will call. The host receives the
 * integration key and a client assertion signed with the secret key, and
 * its answer decides whether a second factor was proved, so an administrator
 * (or anyone who takes over an administrator's session) must not be able to
 * point it at a server of their own (OWASP ASVS 5.0 V1.3.6: data that names
 * another service is checked against an allow-list of domains and ports).
 *
 * Duo's own hosts are `api-XXXXXXXX.duosecurity.com` (Duo's documentation
 * for the Web SDK and Universal Prompt) and, for Duo Federal,
 * `api-XXXXXXXX.duofederal.com`; Bitwarden's client checks Duo redirects
 * against the same two domains (bitwarden/clients,
 * apps/web/src/connectors/duo-redirect.ts). Anything else must be named
 * exactly by the operator in DUO_ALLOWED_API_HOSTS, which is how the tests
 * reach the local stand-in.
 */

/** Duo's hosts: one label `api-` plus letters and digits, under duosecurity.com or duofederal.com; no port. */
const DUO_OWN_HOST = /^api-[a-z0-9]{1,32}\.(duosecurity|duofederal)\.com$/;

/** An operator's entry: a host name or IPv4 address, optionally with a port. IPv6 literals are not supported. */
const ALLOW_LIST_ENTRY =
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;

/**
 * Reads DUO_ALLOWED_API_HOSTS: comma-separated, each entry exactly the text
 * an administrator will type (`duo.internal.example` or `10.0.0.5:8443`).
 * Returns the entries, or the first entry that is not a plain host so the
 * operator can be told which one to fix.
 */
export function parseDuoAllowedHosts(
  value: string | undefined,
): { ok: true; hosts: string[] } | { ok: false; entry: string } {
  const hosts: string[] = [];
  for (const raw of (value ?? "").split(",")) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const port = entry.includes(":") ? Number(entry.slice(entry.indexOf(":") + 1)) : null;
    if (!ALLOW_LIST_ENTRY.test(entry) || (port !== null && (port < 1 || port > 65535)))
      return { ok: false, entry: raw.trim() };
    hosts.push(entry);
  }
  return { ok: true, hosts };
}

/**
 * Whether Twofold may call `host` as Duo's API hostname. Exact text only:
 * no lower-casing, trimming or URL parsing here, so what is checked is what
 * the client puts after `https://` (the settings form lower-cases what an
 * administrator types before it gets here).
 */
export function isAllowedDuoApiHost(host: string, allowedHosts: readonly string[]): boolean {
  return DUO_OWN_HOST.test(host) || allowedHosts.includes(host);
}

/** What an administrator reads when the hostname is refused. */
export const DUO_API_HOST_REFUSED =
  "Enter the API hostname from your Duo application, like api-1a2b3c4d.duosecurity.com (or api-….duofederal.com for Duo Federal).";
