/*
 * What Duo's "allow" is worth. Duo answers "allow" both when the user
 * proved themselves with a factor and when Duo let them through without one:
 * a user in bypass status, a user not enrolled whom Duo's new-user policy
 * lets in, a network or a device Duo trusts, a policy that allows access.
 * Only the first is a second factor (NIST SP 800-63B-4 §2.2, AAL2: proof of
 * possession of a second authenticator at this authentication; OWASP ASVS 5.0
 * V6.3.3). The id token says which it was in `auth_context.reason` and
 * `auth_context.factor`, values from Duo's authentication log
 * (https://duo.com/docs/adminapi#authentication-logs).
 */

export type DuoAnswer = {
  auth_result?: { status?: string; result?: string } | null;
  auth_context?: { result?: string; reason?: string; factor?: string } | null;
};

export type DuoJudgement =
  /** Duo asked the user for a factor and they passed it. */
  | { kind: "factor"; factor: string; reason: string }
  /** Duo said "allow" without asking for a factor (or for a reason Twofold does not know). */
  | { kind: "no_factor"; factor: string | null; reason: string }
  | { kind: "denied" };

/**
 * Duo's reasons for a success in which the user passed a factor now: they
 * approved a push or a call, or typed a valid passcode. Every other reason is
 * an allow without a factor, including any reason Duo adds later: unknown
 * means no factor (fail closed).
 */
const FACTOR_REASONS = new Set(["user_approved", "valid_passcode"]);

/**
 * Factors that are not a device the user proves they hold now, even when the
 * reason looks like one: Duo's remembered device and trusted network skip the
 * prompt, and a bypass code is issued by a Duo administrator to let someone in
 * without their device.
 */
const NOT_A_FACTOR = new Set(["remembered_device", "trusted_network", "bypass_code", "not_available", ""]);

export function judgeDuoAnswer(answer: DuoAnswer): DuoJudgement {
  if (answer.auth_result?.status !== "allow") return { kind: "denied" };
  const context = answer.auth_context ?? {};
  // A success whose context says otherwise is not a success.
  if (context.result !== undefined && context.result !== "success" && context.result !== "allow")
    return { kind: "denied" };
  const reason = typeof context.reason === "string" && context.reason ? context.reason : "unknown";
  const factor = typeof context.factor === "string" ? context.factor : null;
  if (FACTOR_REASONS.has(reason) && factor !== null && !NOT_A_FACTOR.has(factor))
    return { kind: "factor", factor, reason };
  return { kind: "no_factor", factor, reason };
}
