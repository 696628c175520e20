import { describe, expect, it } from "vitest";
import { lostOwnFactor, startingMethod, usableMethods, type MethodsInput } from "@/lib/two-factor/policy/methods";

const base: MethodsInput = {
  allowTotp: true,
  allowCode: true,
  hasAuthenticator: false,
  codesEnabled: false,
  duoAvailable: true,
  duoEnabled: false,
  allowPasskey: true,
  hasPasskey: false,
  requirement: { level: "optional" },
};
const required: MethodsInput["requirement"] = { level: "required", graceUntil: null, phishingResistantOnly: false };

describe("Duo in the methods rule", () => {
  it.each([
    ["turned on and available", { duoEnabled: true }, ["duo"]],
    ["available but never turned on", {}, []],
    [
      "turned on, but the organisation stopped allowing or configuring it",
      { duoEnabled: true, duoAvailable: false },
      [],
    ],
    ["required, with Duo: no silent codes around it", { duoEnabled: true, requirement: required }, ["duo"]],
    [
      "required, Duo no longer available: codes take over",
      { duoEnabled: true, duoAvailable: false, requirement: required },
      ["code"],
    ],
    ["with an app and Duo", { duoEnabled: true, hasAuthenticator: true }, ["totp", "duo"]],
    ["codes turned on and Duo", { duoEnabled: true, codesEnabled: true }, ["code", "duo"]],
  ] as const)("%s", (_name, overrides, expected) => {
    expect(usableMethods({ ...base, ...overrides })).toEqual(expected);
  });

  it("a user whose only factor was Duo, no longer usable, owes a setup rather than signing in with a password alone", () => {
    expect(lostOwnFactor({ ...base, duoEnabled: true, duoAvailable: false })).toBe(true);
    expect(lostOwnFactor({ ...base, duoEnabled: true, duoAvailable: false, hasAuthenticator: true })).toBe(false);
    expect(lostOwnFactor({ ...base, duoEnabled: true })).toBe(false);
    expect(lostOwnFactor({ ...base, duoEnabled: true, duoAvailable: false, requirement: { level: "disabled" } })).toBe(
      false,
    );
    // Unchanged for codes: turned on, then disallowed, with no app.
    expect(lostOwnFactor({ ...base, codesEnabled: true, allowCode: false })).toBe(true);
  });

  it("starts with Duo when preferred and usable, else the first usable method", () => {
    expect(startingMethod(["totp", "duo"], "duo")).toBe("duo");
    expect(startingMethod(["totp"], "duo")).toBe("totp");
  });
});

describe("Passkeys in the methods rule", () => {
  it.each([
    ["registered and allowed", { hasPasskey: true, allowPasskey: true }, ["passkey"]],
    ["allowed, none registered", { allowPasskey: true }, []],
    ["registered, but the organisation stopped allowing them", { hasPasskey: true, allowPasskey: false }, []],
    [
      "required, with a passkey: no silent codes around it",
      { hasPasskey: true, allowPasskey: true, requirement: required },
      ["passkey"],
    ],
    [
      "required, passkeys no longer allowed: codes take over",
      { hasPasskey: true, allowPasskey: false, requirement: required },
      ["code"],
    ],
    [
      "with an app and a passkey",
      { hasPasskey: true, allowPasskey: true, hasAuthenticator: true },
      ["totp", "passkey"],
    ],
  ] as const)("%s", (_name, overrides, expected) => {
    expect(usableMethods({ ...base, ...overrides })).toEqual(expected);
  });

  it("a user whose only factor was a passkey, no longer allowed, owes a setup", () => {
    expect(lostOwnFactor({ ...base, hasPasskey: true, allowPasskey: false })).toBe(true);
    expect(lostOwnFactor({ ...base, hasPasskey: true, allowPasskey: true })).toBe(false);
  });
});
