import { BlockList, isIP } from "node:net";

/*
 * Which X-Forwarded-For entry is the client's address (OWASP ASVS 5.0
 * V4.1.3: values a client can set, such as X-Forwarded-For, are not trusted
 * unless an intermediary we trust wrote them). Each proxy appends the address
 * it received the request from, so only the right-most entries written by our
 * own proxies are true; anything to their left is whatever the client sent.
 */

export type TrustedProxies =
  /** `hops` proxies in front of Twofold; 0: none, Twofold faces clients itself. */
  | { kind: "hops"; hops: number }
  /** The proxies' own addresses: entries inside these ranges are skipped from the right. */
  | { kind: "ranges"; ranges: BlockList; text: string };

/** More hops than any sane chain of proxies: a typo, not a deployment. */
const MAX_HOPS = 10;

export type ParsedTrustedProxies = { ok: true; value: TrustedProxies } | { ok: false; message: string };

const HELP =
  "must be the number of reverse proxies in front of Twofold (0, 1, 2…) or a comma-separated list of their addresses or CIDR ranges (such as 10.0.0.0/8, fd00::/8)";

/** Reads the operator's setting; unset means 0 (see README "Running behind a reverse proxy"). */
export function parseTrustedProxies(raw: string | undefined): ParsedTrustedProxies {
  const value = raw?.trim() ?? "";
  if (value === "") return { ok: true, value: { kind: "hops", hops: 0 } };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) return { ok: false, message: `${HELP}; ${hops} proxies is more than ${MAX_HOPS}.` };
    return { ok: true, value: { kind: "hops", hops } };
  }
  const ranges = new BlockList();
  for (const entry of value.split(",").map((part) => part.trim())) {
    const range = parseRange(entry);
    if (!range) return { ok: false, message: `${HELP}; "${entry.slice(0, 60)}" is neither.` };
    ranges.addSubnet(range.address, range.prefix, range.family);
  }
  return { ok: true, value: { kind: "ranges", ranges, text: value } };
}

function parseRange(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address = "", prefixText, extra] = entry.split("/");
  if (extra !== undefined) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/**
 * One X-Forwarded-For entry as an address, or null for anything that is not
 * one ("unknown", "_hidden", a hostname, garbage). Proxies write an address,
 * sometimes with a port ("203.0.113.7:4711", "[2001:db8::1]:443"); an
 * IPv4-mapped IPv6 address is the IPv4 address it carries.
 */
export function forwardedAddress(entry: string): string | null {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  if (isIP(text) === 0) return null;
  const lower = text.toLowerCase();
  if (lower.startsWith("::ffff:") && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return lower;
}

/**
 * The client's address from an X-Forwarded-For header, given which proxies
 * are ours. With `hops` N the N-th entry from the right (0 counts as 1: the
 * proxy.ts strips a client's own header then, so the one entry is the socket
 * address Next.js wrote). With ranges: the right-most entry outside them.
 * When our proxies wrote every entry, the left-most is the farthest address
 * they saw. An entry that is not an address gives null, never a guess.
 */
export function clientAddress(forwardedFor: string | null, trusted: TrustedProxies): string | null {
  const entries = (forwardedFor ?? "").split(",").map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === "") return null;
  if (trusted.kind === "hops") {
    const index = Math.max(0, entries.length - Math.max(1, trusted.hops));
    return forwardedAddress(entries[index]!);
  }
  for (let index = entries.length - 1; index >= 0; index--) {
    const address = forwardedAddress(entries[index]!);
    if (address === null) return null;
    const family = isIP(address) === 4 ? "ipv4" : "ipv6";
    if (!trusted.ranges.check(address, family) || index === 0) return address;
  }
  return null;
}
