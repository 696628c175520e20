import { describe, expect, it } from "vitest";
import { twoFactorEnrolment } from "@/lib/admin/two-factor-enrolment";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";

type Row = [
  string,
  SecondFactorMethod[],
  boolean,
  boolean,
  "auto" | "sms" | "email",
  SecondFactorMethod[],
  string | null,
];

describe("twoFactorEnrolment tells enrolled factors from the automatic fallback", () => {
  it.each<Row>([
    // name, usable methods, codes turned on, mobile verified, delivery, enrolled, fallback
    ["never set anything up, 2FA optional", [], false, false, "auto", [], null],
    ["never set anything up, 2FA required", ["code"], false, false, "auto", [], "email"],
    ["required, verified mobile", ["code"], false, true, "auto", [], "sms"],
    ["required, verified mobile, email only", ["code"], false, true, "email", [], "email"],
    ["turned codes on", ["code"], true, false, "auto", ["code"], null],
    ["authenticator app", ["totp"], false, false, "auto", ["totp"], null],
    ["authenticator app and codes", ["totp", "code"], true, false, "auto", ["totp", "code"], null],
    ["Duo", ["duo"], false, false, "auto", ["duo"], null],
  ])("%s", (_name, methods, codesEnabled, mobileVerified, codeDelivery, enrolled, fallback) => {
    expect(twoFactorEnrolment({ methods, codesEnabled, mobileVerified, codeDelivery })).toEqual({ enrolled, fallback });
  });
});
