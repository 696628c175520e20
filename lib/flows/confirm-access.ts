import "server-only";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import type { CurrentSession } from "@/lib/auth/guards";
import { takeNextPath } from "@/lib/flows/return-path-cookie";
import { returnAfterConfirmedAccess } from "@/lib/auth/recent-authentication";
import { markReauthenticated } from "@/lib/auth/sessions";
import { checkSecondFactorCode, confirmationMethod } from "@/lib/two-factor/sign-in/second-factor-check";
import { tellOwnerRecoveryCodeUsed } from "@/lib/two-factor/recovery-codes/used-notice";
import { recoveryCodeSupply } from "@/lib/two-factor/recovery-codes/codes";
import { announceFactorLock } from "@/lib/two-factor/sign-in/factor-lock-notice";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { policyRefusesCode } from "@/lib/two-factor/policy/confirmation";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { fieldError, messages, passkeyMessages } from "@/lib/messages";
import { beginAttempt, forgiveAttempt } from "@/lib/auth/attempt-limiter";
import type { PasskeyOptions } from "@/lib/flows/passkey-second-factor";
import {
  clearFactorFailures,
  reserveFactorFailure,
  secondFactorLimitKey,
  secondFactorLock,
} from "@/lib/two-factor/sign-in/factor-lock";
import { appRelyingParty } from "@/lib/webauthn/app-relying-party";
import { authenticationOptions, verifyAssertion } from "@/lib/webauthn/authentication";
import type { AuthenticationResponse } from "@/lib/webauthn/response-schema";

/**
 * The password, then a current code when the user has a factor: for
 * /confirm-access, and for turning 2FA off or replacing recovery codes, which
 * ask for both on their own form. Returns the form error, or null.
 */
export async function confirmPasswordAndCode(
  current: CurrentSession,
  input: { password: string; code: string },
  fields: { password: string; code: string } = { password: "currentPassword", code: "code" },
): Promise<FormState | null> {
  const db = getDb();
  const { user, session } = current;
  // Refused before anything is checked, by the rule the sign-in's second step uses: someone held to
  // phishing-resistant methods does not turn 2FA off or replace recovery codes with a code a proxy page
  // could relay (ASVS 5.0 V6.5; NIST SP 800-63B-4 §3.2.5).
  if (policyRefusesCode(await twoFactorStateOfUser(db, user.id), input.code)) {
    await recordActorEvent(db, current, "two_factor_method.refused", {
      targetUserId: user.id,
      details: { reason: "phishing_resistant_required", for: "confirmation" },
    });
    return fieldError(fields.code, messages.phishingResistantMethodRefused);
  }
  const refusal = await confirmCurrentPassword(db, current.user, input.password, current.context, fields.password);
  if (refusal) return refusal;
  if (!input.code) {
    return fieldError(fields.code, "Enter a code.");
  }
  const check = await checkSecondFactorCode(db, {
    userId: user.id,
    code: input.code,
    method: await confirmationMethod(db, user.id, session.tokenHash),
    sessionTokenHash: session.tokenHash,
    keys: appKeyRing(),
  });
  if (check.outcome === "locked") {
    if (!check.retryAt) return { status: "error", message: messages.secondStepLocked };
    return { status: "error", message: messages.tooManyWrongCodes(check.retryAt) };
  }
  if (check.outcome === "wrong" && check.factorLocked) {
    await recordActorEvent(db, current, "two_factor.locked", {
      targetUserId: user.id,
      details: { lock: "consecutive" },
    });
    await announceFactorLock(db, user, current.organisation);
    return { status: "error", message: messages.secondStepLocked };
  }
  if (check.outcome === "wrong") {
    const problem =
      check.codeProblem === "expired" ? "That code has expired: send a new one." : "That code is not valid.";
    return fieldError(fields.code, problem);
  }
  if (check.unlocked)
    await recordActorEvent(db, current, "two_factor.unlocked", {
      targetUserId: user.id,
      details: { by: "recovery_code" },
    });
  if (check.method === "recovery_code") {
    await recordActorEvent(db, current, "recovery_code.used", {
      targetUserId: user.id,
      details: { method: "recovery_code", for: "confirmation" },
    });
    await tellOwnerRecoveryCodeUsed(user, current.organisation, (await recoveryCodeSupply(db, user.id)).left);
  }
  return null;
}

async function accessConfirmed(current: CurrentSession): Promise<void> {
  const db = getDb();
  await markReauthenticated(db, current.session.tokenHash);
  await recordActorEvent(db, current, "access.confirmed", { targetUserId: current.user.id });
}

/**
 * Duo approved the "Confirm access" this session started after its password
 * was checked (and lib/duo/auth-context.ts saw a real factor): back to the
 * page the user came from, which finishes what they asked.
 */
export async function finishConfirmAccessWithDuo(current: CurrentSession): Promise<string> {
  await accessConfirmed(current);
  return returnAfterConfirmedAccess(await takeNextPath());
}

/** "Confirm access": the password, then a current second factor when the user has one. */
export async function confirmAccess(
  current: CurrentSession,
  input: { password: string; code: string },
): Promise<FormState | null> {
  const db = getDb();
  const state = await twoFactorStateOfUser(db, current.user.id);
  // Refused before anything is checked: the server decides, whatever the page offered.
  if (policyRefusesCode(state, input.code)) {
    await recordActorEvent(db, current, "access_confirmation.failed", {
      targetUserId: current.user.id,
      details: { reason: "method_refused" },
    });
    return fieldError("code", messages.phishingResistantMethodRefused);
  }
  // A user with a factor always needs it: the password alone never re-authenticates them
  // (NIST SP 800-63B-4 §2.2.3: re-authentication at AAL2 uses both factors; ASVS 5.0 V7.5.3).
  const refusal = state.hasFactor
    ? await confirmPasswordAndCode(current, input, { password: "password", code: "code" })
    : await confirmCurrentPassword(db, current.user, input.password, current.context, "password");
  if (refusal) {
    await recordActorEvent(db, current, "access_confirmation.failed", { targetUserId: current.user.id });
    return refusal;
  }
  await accessConfirmed(current);
  return null;
}

/** Options for confirming access with one of the user's passkeys, bound to this session. */
export async function passkeyConfirmationOptions(current: CurrentSession): Promise<FormState<PasskeyOptions>> {
  const db = getDb();
  if (!(await twoFactorStateOfUser(db, current.user.id)).methods.includes("passkey"))
    return { status: "error", message: passkeyMessages.notAllowed };
  const options = await authenticationOptions(db, {
    purpose: "confirm",
    userId: current.user.id,
    rp: appRelyingParty(),
    bindingHash: current.session.tokenHash,
  });
  return { status: "success", data: { options } };
}

/**
 * "Confirm with a passkey": the password, then one of the user's passkeys in
 * place of a code, under the same failure limits as a code.
 */
export async function confirmAccessWithPasskey(
  current: CurrentSession,
  input: { password: string; response: AuthenticationResponse },
): Promise<FormState | null> {
  const db = getDb();
  const { user, session } = current;
  const failed = async (refusal: FormState) => {
    await recordActorEvent(db, current, "access_confirmation.failed", {
      targetUserId: user.id,
      details: { method: "passkey" },
    });
    return refusal;
  };
  const passwordRefusal = await confirmCurrentPassword(db, user, input.password, current.context, "password");
  if (passwordRefusal) return failed(passwordRefusal);
  if (!(await twoFactorStateOfUser(db, user.id)).methods.includes("passkey"))
    return failed({ status: "error", message: passkeyMessages.notAllowed });
  if (await secondFactorLock(db, user.id)) return failed({ status: "error", message: messages.secondStepLocked });
  const now = new Date();
  const limitKey = await secondFactorLimitKey(db, user.id);
  const attempt = await beginAttempt(db, [limitKey], now);
  if (!attempt.allowed) return failed({ status: "error", message: messages.tooManyWrongCodes(attempt.retryAt) });
  const reservation = await reserveFactorFailure(db, user.id, now);
  if (!reservation.ok) {
    await forgiveAttempt(db, attempt);
    return failed({ status: "error", message: messages.secondStepLocked });
  }
  const result = await verifyAssertion(db, {
    purpose: "confirm",
    bindingHash: session.tokenHash,
    expectedUserId: user.id,
    response: input.response,
    rp: appRelyingParty(),
    context: current.context,
    now,
  });
  if (!result.ok) {
    if (reservation.locksIfWrong) {
      await recordActorEvent(db, current, "two_factor.locked", {
        targetUserId: user.id,
        details: { lock: "consecutive" },
      });
      await announceFactorLock(db, user, current.organisation);
      return failed({ status: "error", message: messages.secondStepLocked });
    }
    return failed({
      status: "error",
      message: result.reason === "challenge" ? passkeyMessages.expired : passkeyMessages.notVerified,
    });
  }
  await forgiveAttempt(db, attempt, [limitKey]);
  await clearFactorFailures(db, user.id);
  await accessConfirmed(current);
  return null;
}
