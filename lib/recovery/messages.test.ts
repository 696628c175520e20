import { describe, expect, it } from "vitest";
import { recoveryRequestSent } from "@/lib/recovery/messages";

describe("the answer to “I can't use any of my methods”", () => {
  it("promises administrators' help only when some were asked", () => {
    expect(recoveryRequestSent(2)).toBe("Your request was sent to your administrators.");
    expect(recoveryRequestSent(0)).toMatch(/no administrator here can reset your account/);
  });
});
