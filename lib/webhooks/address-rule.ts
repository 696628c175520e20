import dns from "node:dns";
import net from "node:net";

/*
 * Where a webhook may be sent (OWASP ASVS 5.0 V1.3.6 / V15.3.2, SSRF): https
 * only, to a host whose every address is public. Checked when the URL is
 * saved and again at each delivery, and the delivery connects to the address
 * checked here (lib/webhooks/post.ts), so a DNS answer changed in between
 * (rebinding) cannot send it inside. WEBHOOK_ALLOWED_HOSTS names the
 * exceptions an operator chose, which may also use http.
 */

const blocked = new net.BlockList();
for (const [address, prefix] of [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64: embeds an IPv4 address
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001::", 32], // Teredo
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4: embeds an IPv4 address
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  blocked.addSubnet(address, prefix, "ipv6");
const globalUnicastV6 = new net.BlockList();
globalUnicastV6.addSubnet("2000::", 3, "ipv6");

/** Whether `address` (an IP literal) is a public unicast address. IPv4-mapped IPv6 is judged as its IPv4 address. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !blocked.check(address, "ipv4");
  if (family !== 6) return false;
  const mapped = new net.SocketAddress({ address, family: "ipv6" }).address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return !blocked.check(mapped[1]!, "ipv4");
  // Anything outside 2000::/3 (IPv4-compatible ::a.b.c.d, unassigned space) is refused too.
  return globalUnicastV6.check(address, "ipv6") && !blocked.check(address, "ipv6");
}

export type ResolvedAddress = { address: string; family: 4 | 6 };
export type Resolve = (hostname: string, options?: { allowListed?: boolean }) => Promise<ResolvedAddress[]>;

/** One DNS query waits this long for an answer, and is sent this many times (c-ares, per family, in parallel). */
const QUERY_TIMEOUT_MS = 2_000;
const QUERY_TRIES = 2;
/** Saving a webhook waits this long for its name at most (a delivery has its own deadline, lib/webhooks/queue.ts). */
const SAVE_LOOKUP_DEADLINE_MS = 8_000;

type DnsQueries = Pick<dns.promises.Resolver, "resolve4" | "resolve6">;

/** The operating system's lookup (getaddrinfo: /etc/hosts too), on libuv's thread pool. */
const hostsLookup: Resolve = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/**
 * A and AAAA queries through c-ares (dns.Resolver), which has a timeout and
 * does not take a thread of libuv's small pool, shared with password hashing
 * and file access, the way getaddrinfo does (review L7). A host an operator
 * allow-listed may be named only in /etc/hosts, which c-ares does not read:
 * for those alone, the system lookup answers when DNS does not.
 */
export function resolveThrough(queries: DnsQueries, fallback: Resolve = hostsLookup): Resolve {
  return async (hostname, { allowListed = false } = {}) => {
    const [v4, v6] = await Promise.allSettled([queries.resolve4(hostname), queries.resolve6(hostname)]);
    const addresses: ResolvedAddress[] = [
      ...(v4.status === "fulfilled" ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
      ...(v6.status === "fulfilled" ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ];
    if (addresses.length > 0) return addresses;
    if (allowListed) return await fallback(hostname);
    throw v4.status === "rejected" ? v4.reason : new Error(`No address for ${hostname}`);
  };
}

let systemQueries: DnsQueries | undefined;
const systemResolve: Resolve = async (hostname, options) => {
  systemQueries ??= new dns.promises.Resolver({ timeout: QUERY_TIMEOUT_MS, tries: QUERY_TRIES });
  return await resolveThrough(systemQueries)(hostname, options);
};

export type WebhookTarget = { url: URL; address: ResolvedAddress };
export type WebhookUrlProblem = "invalid" | "not-https" | "private-address" | "unresolvable";
export type WebhookUrlCheck = { ok: true; target: WebhookTarget } | { ok: false; problem: WebhookUrlProblem };

function isAllowListed(url: URL, allowedHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  return allowedHosts.includes(hostname) || allowedHosts.includes(url.host.toLowerCase());
}

/** The lookup's answer, or a rejection once `signal` aborts (a lookup that never answers does not hold the attempt). */
async function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Parses, then resolves the host and checks every address it resolves to; the target carries the one to connect to. */
export async function checkWebhookUrl(
  text: string,
  {
    allowedHosts,
    resolve = systemResolve,
    signal = AbortSignal.timeout(SAVE_LOOKUP_DEADLINE_MS),
  }: { allowedHosts: readonly string[]; resolve?: Resolve; signal?: AbortSignal },
): Promise<WebhookUrlCheck> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: "invalid" };
  }
  // Credentials in the URL would be stored and shown in the list; a fragment is never sent.
  if (url.username || url.password || url.hash || !url.hostname) return { ok: false, problem: "invalid" };
  const allowListed = isAllowListed(url, allowedHosts);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && allowListed))
    return { ok: false, problem: "not-https" };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  let addresses: ResolvedAddress[];
  if (net.isIP(hostname)) addresses = [{ address: hostname, family: net.isIP(hostname) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await beforeDeadline(resolve(hostname, { allowListed }), signal);
    } catch {
      return { ok: false, problem: "unresolvable" };
    }
  }
  if (addresses.length === 0) return { ok: false, problem: "unresolvable" };
  // Every address, not the first: a host answering with one public and one private address is refused.
  if (!allowListed && !addresses.every((entry) => isPublicAddress(entry.address)))
    return { ok: false, problem: "private-address" };
  return { ok: true, target: { url, address: addresses[0]! } };
}
