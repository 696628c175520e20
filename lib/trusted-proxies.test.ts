import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies, type TrustedProxies } from "@/lib/trusted-proxies";

function setting(raw: string): TrustedProxies {
  const parsed = parseTrustedProxies(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe("TRUSTED_PROXIES", () => {
  it.each([
    [undefined, { kind: "hops", hops: 0 }],
    ["", { kind: "hops", hops: 0 }],
    ["0", { kind: "hops", hops: 0 }],
    [" 2 ", { kind: "hops", hops: 2 }],
  ])("reads %j as a count of hops", (raw, expected) => {
    expect(parseTrustedProxies(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    "10.0.0.0/8",
    "10.0.0.1",
    "10.0.0.0/8, 192.168.1.0/24",
    "fd00::/8",
    "::1, 127.0.0.1/32",
    "2001:db8::/32,10.0.0.0/8",
  ])("reads %j as ranges", (raw) => {
    expect(parseTrustedProxies(raw)).toMatchObject({ ok: true, value: { kind: "ranges" } });
  });

  it.each([
    "-1",
    "11",
    "1.5",
    "one",
    "nginx",
    "10.0.0.0/33",
    "fd00::/129",
    "10.0.0.0/8/8",
    "10.0.0.0/",
    "10.0.0/8",
    "10.0.0.0/8,,",
    "localhost",
    "10.0.0.0/abc",
    "*",
  ])("refuses %j, saying what it should be", (raw) => {
    const parsed = parseTrustedProxies(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/number of reverse proxies .* CIDR ranges/);
  });
});

describe("the client's address", () => {
  // [setting, X-Forwarded-For, expected client address]
  const cases: [string, string | null, string | null][] = [
    // No proxy: proxy.ts dropped the client's header, so the one entry is the socket's.
    ["0", "203.0.113.7", "203.0.113.7"],
    ["0", null, null],
    ["0", "", null],
    ["0", "::ffff:127.0.0.1", "127.0.0.1"],
    // One proxy (nginx appending $remote_addr): the right-most entry, whatever the client put to its left.
    ["1", "203.0.113.7", "203.0.113.7"],
    ["1", "1.1.1.1, 203.0.113.7", "203.0.113.7"],
    ["1", "127.0.0.1,10.0.0.1, 203.0.113.7", "203.0.113.7"],
    ["1", "1.1.1.1, 2001:DB8::7", "2001:db8::7"],
    ["1", "garbage, 203.0.113.7", "203.0.113.7"],
    ["1", "203.0.113.7:4711", "203.0.113.7"],
    ["1", "[2001:db8::7]:443", "2001:db8::7"],
    ["1", "1.1.1.1, unknown", null],
    ["1", "1.1.1.1, <script>", null],
    ["1", "1.1.1.1, ", null],
    // Two proxies (a cloud load balancer, then nginx): the second from the right.
    ["2", "1.1.1.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"],
    ["2", "spoofed, 1.1.1.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"],
    ["2", "garbage, 10.0.0.5", null],
    // Fewer entries than proxies: all were written by our proxies; the left-most is the farthest they saw.
    ["2", "203.0.113.7", "203.0.113.7"],
    // Ranges: skip our proxies from the right, whatever their number.
    ["10.0.0.0/8", "1.1.1.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"],
    ["10.0.0.0/8", "1.1.1.1, 203.0.113.7, 10.0.0.9, 10.0.0.5", "203.0.113.7"],
    ["10.0.0.0/8", "203.0.113.7", "203.0.113.7"],
    ["10.0.0.0/8", "10.0.0.9, 10.0.0.5", "10.0.0.9"],
    ["10.0.0.0/8", "10.0.0.1, junk, 10.0.0.5", null],
    ["10.0.0.0/8", "::ffff:10.0.0.7, 203.0.113.7, ::ffff:10.0.0.5", "203.0.113.7"],
    ["fd00::/8, 10.0.0.0/8", "1.1.1.1, 2001:db8::1, fd12::1, 10.0.0.5", "2001:db8::1"],
    ["fd00::/8", "1.1.1.1, 2001:db8::1, fd00::1", "2001:db8::1"],
    // A client may claim to be one of our proxies; it still cannot reach past the entry our proxy wrote.
    ["10.0.0.0/8", "10.0.0.1, 203.0.113.7, 10.0.0.5", "203.0.113.7"],
    ["192.0.2.10", "198.51.100.1, 192.0.2.10", "198.51.100.1"],
  ];
  it.each(cases)("TRUSTED_PROXIES=%j, X-Forwarded-For %j → %j", (raw, forwardedFor, expected) => {
    expect(clientAddress(forwardedFor, setting(raw))).toBe(expected);
  });
});
