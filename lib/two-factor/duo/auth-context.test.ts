import { describe, expect, it } from "vitest";
import { judgeDuoAnswer, type DuoJudgement } from "@/lib/two-factor/duo/auth-context";

const allow = (reason: string | undefined, factor: string | undefined, result = "success") => ({
  auth_result: { status: "allow", result: "allow" },
  auth_context: { result, reason, factor },
});

describe("judgeDuoAnswer: Duo's allow counts as a second factor only when a factor was used", () => {
  it.each<[string, ReturnType<typeof allow>, DuoJudgement]>([
    // A factor passed now.
    [
      "push approved",
      allow("user_approved", "duo_push"),
      { kind: "factor", factor: "duo_push", reason: "user_approved" },
    ],
    [
      "phone call approved",
      allow("user_approved", "phone_call"),
      { kind: "factor", factor: "phone_call", reason: "user_approved" },
    ],
    [
      "Duo Mobile passcode",
      allow("valid_passcode", "passcode"),
      { kind: "factor", factor: "passcode", reason: "valid_passcode" },
    ],
    [
      "SMS passcode",
      allow("valid_passcode", "sms_passcode"),
      { kind: "factor", factor: "sms_passcode", reason: "valid_passcode" },
    ],
    [
      "security key",
      allow("user_approved", "webauthn_credential"),
      { kind: "factor", factor: "webauthn_credential", reason: "user_approved" },
    ],
    // Allowed without one.
    [
      "user in bypass status",
      allow("bypass_user", "duo_push"),
      { kind: "no_factor", factor: "duo_push", reason: "bypass_user" },
    ],
    [
      "unenrolled user let in",
      allow("allow_unenrolled_user", "not_available"),
      { kind: "no_factor", factor: "not_available", reason: "allow_unenrolled_user" },
    ],
    [
      "unenrolled, trusted network",
      allow("allow_unenrolled_user_on_trusted_network", undefined),
      { kind: "no_factor", factor: null, reason: "allow_unenrolled_user_on_trusted_network" },
    ],
    [
      "allowed by policy",
      allow("allowed_by_policy", "not_available"),
      { kind: "no_factor", factor: "not_available", reason: "allowed_by_policy" },
    ],
    [
      "trusted network",
      allow("trusted_network", "trusted_network"),
      { kind: "no_factor", factor: "trusted_network", reason: "trusted_network" },
    ],
    [
      "remembered device",
      allow("remembered_device", "remembered_device"),
      { kind: "no_factor", factor: "remembered_device", reason: "remembered_device" },
    ],
    [
      "bypass code from a Duo administrator",
      allow("valid_passcode", "bypass_code"),
      { kind: "no_factor", factor: "bypass_code", reason: "valid_passcode" },
    ],
    [
      "approved, but no factor named",
      allow("user_approved", undefined),
      { kind: "no_factor", factor: null, reason: "user_approved" },
    ],
    [
      "a reason Twofold does not know",
      allow("some_future_reason", "duo_push"),
      { kind: "no_factor", factor: "duo_push", reason: "some_future_reason" },
    ],
    ["no reason at all", allow(undefined, "duo_push"), { kind: "no_factor", factor: "duo_push", reason: "unknown" }],
    // Not an allow.
    ["context says denied", allow("user_approved", "duo_push", "denied"), { kind: "denied" }],
  ])("%s", (_name, answer, expected) => {
    expect(judgeDuoAnswer(answer)).toEqual(expected);
  });

  it("a deny is a deny whatever the context says", () => {
    expect(
      judgeDuoAnswer({
        auth_result: { status: "deny" },
        auth_context: { result: "success", reason: "user_approved", factor: "duo_push" },
      }),
    ).toEqual({ kind: "denied" });
    expect(judgeDuoAnswer({})).toEqual({ kind: "denied" });
  });
});
