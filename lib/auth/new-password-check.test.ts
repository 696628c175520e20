import { describe, expect, it } from "vitest";
import { newPasswordProblem } from "@/lib/auth/new-password-check";

const alice = { email: "alice.smith@example.com", name: "Alice Smith", organisationName: "Acme Widgets" };

const COMMON =
  "This password is one of the most common passwords, so it would be guessed quickly. Choose another: a few unrelated words make a strong one.";
const PERSONAL = "Don't use your email address, your name or your organisation's name in your password.";

describe("which new passwords are refused, and why", () => {
  it.each([
    ["password1234", COMMON],
    ["PASSWORD1234", COMMON],
    ["qwertyuiop123", COMMON],
    ["123456789012", COMMON],
    ["iloveyou1234", COMMON],
    ["alice.smith@example.com", PERSONAL],
    ["ALICE.SMITH@EXAMPLE.COM", PERSONAL],
    ["my name is smith ok", PERSONAL],
    ["widgets are my life", PERSONAL],
    ["short", "Use at least 12 characters."],
    ["x".repeat(129), "Use at most 128 characters."],
    ["lantern quietly orbits the marmalade", null],
    ["tX9#vq2Lm!pz4Rw", null],
    // Parts under four characters ("ex", "com") are ignored: ordinary words contain them.
    ["complex example orbit tunes", null],
  ])("%s → %s", (password, expected) => {
    expect(newPasswordProblem(password, alice)).toBe(expected);
  });

  it("refuses the user's own email address even with no name given", () => {
    expect(newPasswordProblem("bob.jones@example.org", { email: "bob.jones@example.org" })).toBe(PERSONAL);
  });
});
