import { describe, expect, it } from "vitest";
import { hasMalformedEscape } from "@/lib/malformed-path";

describe("a request path with a broken percent-escape", () => {
  it.each([
    ["/login/reset/%ZZ", true],
    ["/login/reset/%E0%A4%A", true],
    ["/invite/%", true],
    ["/setup/abc%2", true],
    ["/login/reset/abc_DEF-123", false],
    ["/login/reset/%3Cscript%3E", false],
    ["/login/reset/..%2F..%2Fadmin", false],
    ["/admin/users/12", false],
  ])("%s → %s", (path, malformed) => {
    expect(hasMalformedEscape(path)).toBe(malformed);
  });
});
