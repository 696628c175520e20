import { describe, expect, it } from "vitest";
import { counterAccepted } from "@/lib/webauthn/counter";

describe("counterAccepted", () => {
  it.each([
    // stored, received, accepted
    [0, 0, true],
    [0, 1, true],
    [5, 6, true],
    [5, 5, false],
    [5, 4, false],
    [5, 0, false],
    [4_294_967_294, 4_294_967_295, true],
  ])("stored %i, received %i: %s", (stored, received, accepted) => {
    expect(counterAccepted(stored, received)).toBe(accepted);
  });
});
