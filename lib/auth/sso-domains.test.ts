import { describe, expect, it } from "vitest";
import { emailDomainAllowed, parseAllowedEmailDomains } from "@/lib/auth/sso-domains";

describe("which email domains SSO may create accounts for", () => {
  const allowed = ["example.com", "corp.example.org"];
  const cases: Array<[string, boolean]> = [
    ["ada@example.com", true],
    ["ada@corp.example.org", true],
    ["ada@sales.example.com", false],
    ["ada@example.org", false],
    ["ada@example.com.evil.test", false],
    ["ada@evilexample.com", false],
    ["ada@example.co", false],
    ["example.com@evil.test", false],
    ["ada@evil.test@example.com", true],
    ["ada@", false],
    ["@example.com", false],
    ["ada", false],
  ];
  it.each(cases)("%s → %s", (email, expected) => {
    expect(emailDomainAllowed(email, allowed)).toBe(expected);
  });

  it("compares domains without regard to case", () => {
    expect(emailDomainAllowed("ada@EXAMPLE.com", allowed)).toBe(true);
  });

  it("allows every domain when the list is empty, as before the setting", () => {
    expect(emailDomainAllowed("ada@anywhere.test", [])).toBe(true);
  });
});

describe("reading OIDC_ALLOWED_DOMAINS", () => {
  it("takes comma-separated domains, lower-cased, an optional @ dropped", () => {
    expect(parseAllowedEmailDomains(" Example.com, @corp.example.org ,,")).toEqual({
      ok: true,
      domains: ["example.com", "corp.example.org"],
    });
    expect(parseAllowedEmailDomains(undefined)).toEqual({ ok: true, domains: [] });
  });

  it.each([
    "*.example.com",
    "ada@example.com",
    "https://example.com",
    "example.com.",
    "localhost",
    "exa mple.com",
    "example.com/x",
    ".example.com",
  ])("refuses %j and names it", (entry) => {
    expect(parseAllowedEmailDomains(`example.com,${entry}`)).toEqual({ ok: false, entry });
  });
});
