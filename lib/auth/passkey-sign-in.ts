import { eq } from "drizzle-orm";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Db } from "@/db";
import { organisations, users } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { beginAttempt, forgiveAttempt, type LimitKey } from "@/lib/auth/attempt-limiter";
import { addressKey } from "@/lib/auth/client-address";
import {
  ACCOUNT_FAILURE_WINDOW_MS,
  ADDRESS_FAILURE_LIMIT,
  ADDRESS_FAILURE_WINDOW_MS,
  DEFAULT_FAILURE_LIMITS,
} from "@/lib/auth/password-sign-in";
import { userMayUsePasskeys } from "@/lib/two-factor/policy/passkey-permission";
import type { RequestContext } from "@/lib/request-context";
import { authenticationOptions, verifyAssertion, type AssertionRefusal } from "@/lib/webauthn/authentication";
import type { RelyingParty } from "@/lib/webauthn/relying-party";
import type { AuthenticationResponse } from "@/lib/webauthn/response-schema";

/*
 * Signing in with a passkey alone (/login, "Sign in with a passkey" and the
 * email field's autofill). A discoverable credential with user verification
 * is a multi-factor cryptographic authenticator (NIST SP 800-63B-4 §3.1.7):
 * something you have, unlocked by something you know or are. So it signs the
 * user in completely, with no password and no further second factor (AAL2).
 * Without user verification it proves possession only, and is refused.
 */

/**
 * Options one address may ask for within the window: far above what people
 * behind one address need (the login page asks once per visit), low enough
 * that nobody can fill the challenge table (OWASP ASVS 5.0 V2.4.1).
 */
export const PASSKEY_OPTIONS_PER_ADDRESS = 300;
const PASSKEY_OPTIONS_WINDOW_MS = 15 * 60 * 1000;

function optionsLimitKey(ip: string | null): LimitKey | null {
  if (!ip) return null;
  return {
    scope: "address",
    key: `passkey-options ${addressKey(ip)}`,
    limit: PASSKEY_OPTIONS_PER_ADDRESS,
    windowMs: PASSKEY_OPTIONS_WINDOW_MS,
  };
}

export type PasswordlessOptionsResult =
  { ok: true; options: PublicKeyCredentialRequestOptionsJSON } | { ok: false; reason: "throttled"; retryAt: Date };

/** Options for a discoverable credential, bound to the browser's passwordless cookie (its hash). */
export async function passwordlessOptions(
  db: Db,
  input: { bindingHash: string; context: RequestContext; rp: RelyingParty; now?: Date },
): Promise<PasswordlessOptionsResult> {
  const now = input.now ?? new Date();
  const key = optionsLimitKey(input.context.ip);
  if (key) {
    // Each request is counted and never taken back: a cap on requests, not on failures.
    const attempt = await beginAttempt(db, [key], now);
    if (!attempt.allowed) return { ok: false, reason: "throttled", retryAt: attempt.retryAt };
  }
  const options = await authenticationOptions(db, {
    purpose: "passwordless",
    userId: null,
    rp: input.rp,
    bindingHash: input.bindingHash,
    now,
  });
  return { ok: true, options };
}

export type PasskeySignInRefusal =
  AssertionRefusal | "throttled" | "disabled" | "api_account" | "sso_account" | "not_allowed";

export type PasskeySignInResult =
  | { ok: true; userId: number }
  | { ok: false; reason: Exclude<PasskeySignInRefusal, "throttled"> }
  | { ok: false; reason: "throttled"; retryAt: Date };

/** The failures a passwordless attempt counts in: the address's, as for passwords (spraying from one address). */
function addressLimitKeys(ip: string | null): LimitKey[] {
  if (!ip) return [];
  return [{ scope: "address", key: addressKey(ip), limit: ADDRESS_FAILURE_LIMIT, windowMs: ADDRESS_FAILURE_WINDOW_MS }];
}

/** The account-wide slow-down of a password sign-in, for a failure whose account is known. */
function accountLimitKey(email: string): LimitKey {
  return {
    scope: "account",
    key: email.trim().toLowerCase(),
    limit: DEFAULT_FAILURE_LIMITS.accountFailureLimit,
    windowMs: ACCOUNT_FAILURE_WINDOW_MS,
    slowDown: true,
  };
}

/**
 * Checks a passwordless answer: under the address's failure limit, then the
 * assertion (user verification required), then the account (disabled, API
 * and SSO accounts are refused; the organisation must allow passkeys).
 * Every outcome is audited. The caller creates the session on success.
 */
export async function signInWithPasskey(
  db: Db,
  input: {
    response: AuthenticationResponse;
    bindingHash: string;
    context: RequestContext;
    rp: RelyingParty;
    now?: Date;
  },
): Promise<PasskeySignInResult> {
  const now = input.now ?? new Date();
  const { context } = input;
  const keys = addressLimitKeys(context.ip);
  const attempt = await beginAttempt(db, keys, now);
  if (!attempt.allowed) {
    await recordAuditEvent(db, {
      type: "sign_in.throttled",
      organisationId: null,
      context,
      details: { method: "passkey", limit: attempt.limitedBy },
      at: now,
    });
    return { ok: false, reason: "throttled", retryAt: attempt.retryAt };
  }
  const assertion = await verifyAssertion(db, {
    purpose: "passwordless",
    bindingHash: input.bindingHash,
    expectedUserId: null,
    response: input.response,
    rp: input.rp,
    context,
    now,
  });
  const [user] = assertion.userId
    ? await db
        .select({
          id: users.id,
          email: users.email,
          organisationId: users.organisationId,
          disabledAt: users.disabledAt,
          isApiAccount: users.isApiAccount,
          ssoSubject: users.ssoSubject,
        })
        .from(users)
        .innerJoin(organisations, eq(organisations.id, users.organisationId))
        .where(eq(users.id, assertion.userId))
    : [];
  if (!assertion.ok) {
    // An expired or unknown challenge (an autofill request left open on an idle login tab, review L4) is refused
    // before any credential is looked at: nothing was guessed, so the address's provisional failure is taken back
    // and people behind one address are not pushed toward the password lockout (ASVS 5.0 V6.3.1 counts guesses).
    if (assertion.reason === "challenge") await forgiveAttempt(db, attempt);
    // Counted against the account too when the passkey named one: its owner's slow-down, as for a wrong password.
    else if (user) await beginAttempt(db, [accountLimitKey(user.email)], now);
    await recordAuditEvent(db, {
      type: "passkey_sign_in.failed",
      organisationId: user?.organisationId ?? null,
      targetUserId: user?.id,
      context,
      details: { reason: assertion.reason },
      at: now,
    });
    return { ok: false, reason: assertion.reason };
  }
  // The passkey checked out: whatever follows is not a guess, so the address's provisional failure is taken back.
  await forgiveAttempt(db, attempt);
  const refusal = !user
    ? "disabled"
    : user.disabledAt
      ? "disabled"
      : user.isApiAccount
        ? "api_account"
        : user.ssoSubject !== null
          ? "sso_account"
          : !(await userMayUsePasskeys(db, user.id, now))
            ? "not_allowed"
            : null;
  if (refusal || !user) {
    await recordAuditEvent(db, {
      type: "sign_in.refused",
      organisationId: user?.organisationId ?? null,
      targetUserId: user?.id,
      context,
      details: { reason: refusal ?? "disabled", method: "passkey" },
      at: now,
    });
    return { ok: false, reason: refusal ?? "disabled" };
  }
  return { ok: true, userId: user.id };
}
