import { describe, expect, it } from "vitest";
import { mobileNumberSchema, passwordChangeSchema, profileSchema } from "@/lib/profile-schemas";

describe("profile input", () => {
  it("normalises mobile numbers to E.164 and allows none", () => {
    expect(mobileNumberSchema.parse("+44 7911 123456")).toBe("+447911123456");
    expect(mobileNumberSchema.parse(" ")).toBeNull();
  });

  it.each(["07700 900123", "+44 20 7946 0000", "+1 555", "'; drop table users; --", "x".repeat(10_000)])(
    "refuses %s as a mobile number",
    (mobileNumber) => {
      expect(mobileNumberSchema.safeParse(mobileNumber).success).toBe(false);
    },
  );

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
