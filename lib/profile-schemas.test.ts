import { describe, expect, it } from "vitest";
import type { CountryCode } from "libphonenumber-js/max";
import {
  displayNameSchema,
  mobileNumberChangeSchema,
  parseMobileNumber,
  passwordChangeSchema,
  profileSchema,
} from "@/lib/profile-schemas";

const FORMAT =
  "Enter a mobile number as you dial it in the country chosen, or in international format, like +44 7911 123456.";

describe("profile input", () => {
  it.each([
    ["+44 7911 123456", "GB", "+447911123456"],
    ["+44 7911 123456", "US", "+447911123456"],
    ["07911 123456", "GB", "+447911123456"],
    ["0044 7911 123456", "GB", "+447911123456"],
    ["(201) 555-0123", "US", "+12015550123"],
    [" ", "GB", null],
  ])("reads %s with the country %s as %s", (typed, country, stored) => {
    expect(parseMobileNumber(typed, country as CountryCode)).toEqual({ ok: true, number: stored });
  });

  it.each([
    ["07911 123456", null, "Choose the number’s country, or start with + and its code."],
    ["07911 123456", "US", FORMAT],
    ["07700 900123", "GB", "That is not a mobile number in use: check it."],
    ["+44 20 7946 0123", "GB", "That is not a mobile number: text messages cannot reach it."],
    ["020 3123 4567", "GB", "That is not a mobile number: text messages cannot reach it."],
    ["+1 555", "GB", FORMAT],
    ["'; drop table users; --", "GB", FORMAT],
  ])("refuses %s with the country %s: %s", (typed, country, message) => {
    expect(parseMobileNumber(typed, country as CountryCode | null)).toEqual({ ok: false, message });
  });

  it("ties a refused number to the field, whatever else the form holds", () => {
    const base = { currentPassword: "secret", country: "GB" };
    expect(mobileNumberChangeSchema.parse({ ...base, mobileNumber: "07911 123456" })).toEqual({
      mobileNumber: "+447911123456",
      currentPassword: "secret",
    });
    for (const input of [
      { ...base, mobileNumber: "x".repeat(10_000) },
      { ...base, mobileNumber: "07911 123456", country: "Narnia" },
      { ...base, mobileNumber: "07911 123456", country: "XX" },
    ]) {
      const result = mobileNumberChangeSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((issue) => issue.path[0])).toEqual([
        input.country === base.country ? "mobileNumber" : "country",
      ]);
    }
  });

  it("accepts unicode names and refuses empty, overlong or control-character ones", () => {
    expect(profileSchema.parse({ name: "  Zoë Ångström 王 " }).name).toBe("Zoë Ångström 王");
    for (const name of ["", "   ", "x".repeat(101), "Ada\u0000", "Ada\u202e"]) {
      expect(profileSchema.safeParse({ name }).success).toBe(false);
    }
  });

  it("requires a long enough, confirmed, new password", () => {
    const valid = {
      currentPassword: "old password!!",
      newPassword: "a brand new passphrase",
      confirmPassword: "a brand new passphrase",
    };
    expect(passwordChangeSchema.safeParse(valid).success).toBe(true);
    expect(passwordChangeSchema.safeParse({ ...valid, confirmPassword: "different" }).error?.issues[0]?.path).toEqual([
      "confirmPassword",
    ]);
    expect(passwordChangeSchema.safeParse({ ...valid, newPassword: "short", confirmPassword: "short" }).success).toBe(
      false,
    );
    const huge = "x".repeat(10_000);
    expect(passwordChangeSchema.safeParse({ ...valid, newPassword: huge, confirmPassword: huge }).success).toBe(false);
  });
});

describe("display names", () => {
  const apiAccountName = displayNameSchema("Enter a name, such as the program that will use this account.");

  it("refuses a right-to-left override that makes one name read as another", () => {
    expect(apiAccountName.safeParse("Billing\u202Enimda").success).toBe(false);
    expect(apiAccountName.safeParse("Billing sync").data).toBe("Billing sync");
  });

  it("says what to enter when empty", () => {
    expect(apiAccountName.safeParse("  ").error?.issues[0]?.message).toBe(
      "Enter a name, such as the program that will use this account.",
    );
  });
});
