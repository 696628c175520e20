import { describe, expect, it } from "vitest";
import { fieldError, fieldErrors, inMinutes, messages } from "@/lib/messages";

const now = new Date("2026-01-01T00:00:00Z");
const later = (ms: number) => new Date(now.getTime() + ms);

describe("inMinutes never prints '1 minutes' or '0'", () => {
  it.each([
    [0, "1 second"],
    [1_000, "1 second"],
    [30_000, "30 seconds"],
    [59_000, "59 seconds"],
    [60_000, "1 minute"],
    [61_000, "2 minutes"],
    [15 * 60_000, "15 minutes"],
  ])("%i ms reads %s", (ms, text) => expect(inMinutes(later(ms), now)).toBe(text));
});

describe("form errors count their fields", () => {
  it("one field reads singular", () => {
    expect(fieldError("code", "Enter the 6-digit code.")).toEqual({
      status: "error",
      message: "Please correct the highlighted field.",
      fieldErrors: { code: "Enter the 6-digit code." },
    });
  });
  it("two fields read plural and keep the values", () => {
    expect(fieldErrors({ a: "x", b: "y" }, { a: "1" })).toEqual({
      status: "error",
      message: "Please correct the highlighted fields.",
      fieldErrors: { a: "x", b: "y" },
      values: { a: "1" },
    });
  });
  it("the lockout message pluralises", () => {
    expect(messages.tooManyWrongCodes(later(60_000), now)).toBe("Too many wrong codes. Try again in 1 minute.");
  });
});
