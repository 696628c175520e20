import { isIPv4, isIPv6 } from "node:net";

/**
 * The address failures are counted under. An IPv4 address is one client (or
 * one NAT). An IPv6 client is routinely given a whole /64, and can pick any of
 * its 2^64 addresses for each request: counting per /64 keeps it one client.
 */
export function addressKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; `::` and an embedded IPv4 tail expanded. */
function ipv6Groups(address: string): string[] {
  const withoutZone = address.split("%")[0]!;
  let text = withoutZone;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const [a, b, c, d] = tail.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split("::") as [string, string | undefined];
  const headGroups = head ? head.split(":") : [];
  const restGroups = rest ? rest.split(":") : [];
  const missing = rest === undefined ? 0 : 8 - headGroups.length - restGroups.length;
  return [...headGroups, ...Array<string>(missing).fill("0"), ...restGroups].map((group) =>
    parseInt(group || "0", 16).toString(16),
  );
}
