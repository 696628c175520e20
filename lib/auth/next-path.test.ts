import { describe, expect, it } from "vitest";
import { safeNextPath } from "@/lib/auth/next-path";

describe("safeNextPath", () => {
  it.each([
    ["/setup/abc_DEF-123", "/setup/abc_DEF-123"],
    ["/", "/"],
    ["/admin/users?q=ada#top", "/admin/users?q=ada#top"],
  ])("accepts the same-site path %s", (value, expected) => {
    expect(safeNextPath(value)).toBe(expected);
  });

  it.each([
    "//evil.example",
    "//evil.example/setup/x",
    "/.//evil.example",
    "/a/..//evil.example",
    "/%2e//evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " /setup/x",
    "setup/x",
    "",
    "/".padEnd(600, "a"),
  ])("ignores %j", (value) => {
    expect(safeNextPath(value)).toBeNull();
  });

  it("ignores anything that is not a string", () => {
    expect(safeNextPath(undefined)).toBeNull();
    expect(safeNextPath(["/a", "/b"])).toBeNull();
  });
});
