import { describe, expect, it } from "vitest";
import {
  codesLeftText,
  fieldError,
  fieldErrors,
  inMinutes,
  messages,
  otherSessionsSignedOutText,
} from "@/lib/messages";

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

describe("waits and counts read as people say them", () => {
  it.each([
    [1_000, "Please wait 1 second before asking for another code."],
    [30_000, "Please wait 30 seconds before asking for another code."],
  ])("a code cooldown of %i ms: %s", (ms, text) => expect(messages.waitBeforeAnotherCode(later(ms), now)).toBe(text));

  it.each([
    // Always minutes, as it always did: the limit's window is an hour.
    [30_000, "Too many codes were sent. Try again in 1 minute, or use another method."],
    [61_000, "Too many codes were sent. Try again in 2 minutes, or use another method."],
  ])("too many codes, %i ms to wait: %s", (ms, text) => expect(messages.tooManyCodesSent(later(ms), now)).toBe(text));

  it.each([
    [0, "You have no recovery codes left."],
    [1, "You have 1 recovery code left."],
    [9, "You have 9 recovery codes left."],
  ])("%i recovery codes left: %s", (left, text) => expect(codesLeftText(left)).toBe(text));

  it("says what a code was sent by", () => {
    expect(messages.codeSent("sms", "•••107")).toBe(
      "We sent a code by text message to •••107. It is valid for 2 minutes.",
    );
    expect(messages.codeSent("email", "a•••@acme.test")).toBe(
      "We sent a code by email to a•••@acme.test. It is valid for 2 minutes.",
    );
  });
});

describe("otherSessionsSignedOutText", () => {
  it.each([
    [0, ""],
    [1, "Your other session was signed out."],
    [3, "Your other 3 sessions were signed out."],
  ])("%i sessions ended: %s", (count, text) => expect(otherSessionsSignedOutText(count)).toBe(text));
});
