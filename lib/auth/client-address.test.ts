import { describe, expect, it } from "vitest";
import { addressKey } from "@/lib/auth/client-address";

describe("the address failures are counted under", () => {
  it.each([
    ["198.51.100.7", "198.51.100.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::abcd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::ffff:192.0.2.1", "0:0:0:0::/64"],
    ["not an address", "not an address"],
  ])("%s counts as %s", (ip, expected) => {
    expect(addressKey(ip)).toBe(expected);
  });

  it("puts every address of one IPv6 /64 together, and a neighbouring /64 apart", () => {
    expect(addressKey("2001:db8:aa:bb::1")).toBe(addressKey("2001:db8:aa:bb:ffff:1234:5678:9abc"));
    expect(addressKey("2001:db8:aa:bb::1")).not.toBe(addressKey("2001:db8:aa:bc::1"));
  });
});
