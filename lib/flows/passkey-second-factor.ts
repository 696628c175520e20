import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordAuditEvent } from "@/lib/audit";
import { beginAttempt, forgiveAttempt } from "@/lib/auth/attempt-limiter";
import type { CurrentSession } from "@/lib/auth/guards";
import { clearSessionCookie } from "@/lib/flows/session-cookies";
import { completeSecondFactor } from "@/lib/flows/sign-in-completion";
import { messages, passkeyMessages } from "@/lib/messages";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { announceFactorLock } from "@/lib/two-factor/sign-in/factor-lock-notice";
import {
  clearFactorFailures,
  reserveFactorFailure,
  secondFactorLimitKey,
  secondFactorLock,
} from "@/lib/two-factor/sign-in/factor-lock";
import { warnOwnerOfLockout } from "@/lib/two-factor/sign-in/lockout-notice";
import { countFailedSecondFactor } from "@/lib/two-factor/sign-in/second-factor-check";
import { appRelyingParty } from "@/lib/webauthn/app-relying-party";
import { authenticationOptions, verifyAssertion, type AssertionRefusal } from "@/lib/webauthn/authentication";
import type { AuthenticationResponse } from "@/lib/webauthn/response-schema";

/* "Use a passkey or security key" at the second step of signing in (/login/two-factor). */

export type PasskeyOptions = { options: PublicKeyCredentialRequestOptionsJSON };

async function passkeyUsable(userId: number): Promise<boolean> {
  return (await twoFactorStateOfUser(getDb(), userId)).methods.includes("passkey");
}

/** Options offering the user's own passkeys, bound to this half-signed-in session. */
export async function passkeySecondFactorOptions(current: CurrentSession): Promise<FormState<PasskeyOptions>> {
  if (!(await passkeyUsable(current.user.id))) return { status: "error", message: passkeyMessages.notAllowed };
  const options = await authenticationOptions(getDb(), {
    purpose: "second_factor",
    userId: current.user.id,
    rp: appRelyingParty(),
    bindingHash: current.session.tokenHash,
  });
  return { status: "success", data: { options } };
}

function refusalMessage(reason: AssertionRefusal): string {
  return reason === "challenge" ? passkeyMessages.expired : passkeyMessages.notVerified;
}

/**
 * The browser's answer: checked under the same limits as a code (the user's
 * failure window, the cap of consecutive failures, the session's attempts),
 * so a passkey prompt is no faster way to guess; on success the sign-in
 * completes exactly as a verified code completes it.
 */
export async function verifyPasskeySecondFactor(
  current: CurrentSession,
  input: { response: AuthenticationResponse; remember: boolean },
): Promise<FormState> {
  const { user, organisation, session, context } = current;
  const db = getDb();
  const now = new Date();
  if (!(await passkeyUsable(user.id))) return { status: "error", message: passkeyMessages.notAllowed };
  if (await secondFactorLock(db, user.id)) return { status: "error", message: messages.secondStepLocked };
  const limitKey = await secondFactorLimitKey(db, user.id);
  const attempt = await beginAttempt(db, [limitKey], now);
  if (!attempt.allowed) {
    revalidatePath("/login/two-factor");
    return { status: "error", message: messages.tooManyWrongCodes(attempt.retryAt) };
  }
  // Counted before it is checked, like a code: a burst of answers cannot pass the cap.
  const reservation = await reserveFactorFailure(db, user.id, now);
  if (!reservation.ok) {
    await forgiveAttempt(db, attempt);
    return { status: "error", message: messages.secondStepLocked };
  }
  const result = await verifyAssertion(db, {
    purpose: "second_factor",
    bindingHash: session.tokenHash,
    expectedUserId: user.id,
    response: input.response,
    rp: appRelyingParty(),
    context,
    now,
  });
  if (!result.ok) {
    const failure = await countFailedSecondFactor(db, {
      user,
      sessionTokenHash: session.tokenHash,
      context,
      now,
      factorLocked: reservation.locksIfWrong,
      details: { method: "passkey", reason: result.reason },
    });
    if (failure.factorLocked) await announceFactorLock(db, user, organisation);
    else if (failure.lockedUntil) await warnOwnerOfLockout(user, organisation);
    if (failure.outcome === "session_ended") {
      await clearSessionCookie();
      redirect("/login?reason=too-many-codes");
    }
    if (failure.lockedUntil || failure.factorLocked) revalidatePath("/login/two-factor");
    if (failure.factorLocked) return { status: "error", message: messages.secondStepLocked };
    const left = `${failure.attemptsLeft} attempt${failure.attemptsLeft === 1 ? "" : "s"} left.`;
    return { status: "error", message: `${refusalMessage(result.reason)} ${left}` };
  }
  await forgiveAttempt(db, attempt, [limitKey]);
  await clearFactorFailures(db, user.id);
  await recordAuditEvent(db, {
    type: "two_factor.succeeded",
    organisationId: user.organisationId,
    actorUserId: user.id,
    targetUserId: user.id,
    context,
    details: { method: "passkey", passkey: result.passkeyName },
    at: now,
  });
  redirect(await completeSecondFactor(current, input.remember, true, { via: "second_factor", method: "passkey" }));
}
