import { describe, expect, it } from "vitest";
import { isAllowedDuoApiHost, parseDuoAllowedHosts } from "@/lib/two-factor/duo/api-host";

describe("which Duo API hostname Twofold will call", () => {
  const allowList = ["127.0.0.1:8443", "duo-proxy.internal.example"];
  // Expected column written out: true only for Duo's own hosts and the operator's exact entries.
  const cases: Array<[string, boolean]> = [
    ["api-1234abcd.duosecurity.com", true],
    ["api-deadbeef.duosecurity.com", true],
    ["api-1234abcd.duofederal.com", true],
    ["api-1234abcd.duosecurity.com.evil.com", false],
    ["evil.com/api-1234abcd.duosecurity.com", false],
    ["api-1234abcd.duosecurity.co", false],
    ["api-1234abcd.duosecurity.com.", false],
    ["x@api-1234abcd.duosecurity.com", false],
    ["api-1234abcd.duosecurity.com@evil.com", false],
    ["api-1234abcd.duosecurity.com:443", false],
    ["api-1234abcd.duosecurity.com:8443", false],
    ["API-1234ABCD.DUOSECURITY.COM", false],
    ["api-1234abcd.DuoSecurity.com", false],
    ["api-1234abcd.evil-duosecurity.com", false],
    ["api-1234abcd.duosecurity.com\n", false],
    [" api-1234abcd.duosecurity.com", false],
    ["api-1234abcd.sub.duosecurity.com", false],
    ["admin-1234abcd.duosecurity.com", false],
    ["api-.duosecurity.com", false],
    ["duosecurity.com", false],
    ["api-1234abcd.duosecurity.com/oauth", false],
    ["api-1234abcd.duosecurity.com?x=1", false],
    ["api-1234abcd.duosecurity.com#x", false],
    ["127.0.0.1", false],
    ["10.0.0.5", false],
    ["[::1]", false],
    ["localhost", false],
    ["localhost:8443", false],
    ["169.254.169.254", false],
    ["", false],
    // The operator's allow-list: exactly as listed, port included.
    ["127.0.0.1:8443", true],
    ["127.0.0.1", false],
    ["127.0.0.1:8444", false],
    ["duo-proxy.internal.example", true],
    ["duo-proxy.internal.example:443", false],
    ["evil.duo-proxy.internal.example", false],
  ];
  it.each(cases)("%j → %s", (host, allowed) => {
    expect(isAllowedDuoApiHost(host, allowList)).toBe(allowed);
  });

  it("without an allow-list, the stand-in's address is refused like any other", () => {
    expect(isAllowedDuoApiHost("127.0.0.1:8443", [])).toBe(false);
    expect(isAllowedDuoApiHost("api-1234abcd.duosecurity.com", [])).toBe(true);
  });
});

describe("reading DUO_ALLOWED_API_HOSTS", () => {
  it("takes comma-separated hosts, lower-cased, with or without a port, skipping blanks", () => {
    expect(parseDuoAllowedHosts(" Duo-Proxy.Internal.example , 127.0.0.1:8443,,")).toEqual({
      ok: true,
      hosts: ["duo-proxy.internal.example", "127.0.0.1:8443"],
    });
    expect(parseDuoAllowedHosts(undefined)).toEqual({ ok: true, hosts: [] });
    expect(parseDuoAllowedHosts("")).toEqual({ ok: true, hosts: [] });
  });

  it.each([
    "https://duo.example.com",
    "duo.example.com/path",
    "user@duo.example.com",
    "duo.example.com:0",
    "duo.example.com:70000",
    "duo.example.com:",
    "duo.example.com.",
    "*.duosecurity.com",
    "[::1]:8443",
    "duo example.com",
  ])("refuses %j and names it", (entry) => {
    expect(parseDuoAllowedHosts(`api-1234abcd.duosecurity.com,${entry}`)).toEqual({ ok: false, entry });
  });
});
