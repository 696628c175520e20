import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { beginAttempt, forgiveAttempt } from "@/lib/auth/attempt-limiter";
import { clearSessionCookie } from "@/lib/flows/session-cookies";
import type { CurrentSession } from "@/lib/auth/guards";
import { duoBypassAtSignIn } from "@/lib/two-factor/duo/bypass-setting";
import { finishDuoPrompt } from "@/lib/two-factor/duo/prompt";
import type { DuoNotice } from "@/lib/two-factor/duo/messages";
import { countFailedSecondFactor } from "@/lib/two-factor/sign-in/second-factor-check";
import {
  clearFactorFailures,
  releaseFactorFailure,
  reserveFactorFailure,
  secondFactorLimitKey,
} from "@/lib/two-factor/sign-in/factor-lock";
import { announceFactorLock } from "@/lib/two-factor/sign-in/factor-lock-notice";
import { warnOwnerOfLockout } from "@/lib/two-factor/sign-in/lockout-notice";
import { completeSecondFactor } from "@/lib/flows/sign-in-completion";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

const refused = (notice: DuoNotice) => `/login/two-factor?method=duo&duo=${notice}`;

/**
 * Duo's answer to a half-signed-in session. Counted like a code: it runs
 * under the user's second-factor lock, and every refusal (denied, a bad or
 * replayed state, a missing or bad code, another user's result) is a failed
 * second factor in this session. Duo being unreachable is not the user's
 * failure, but it is never a way in either. Returns where to go next.
 */
export async function finishDuoSignIn(
  current: CurrentSession,
  answer: { state: string | null; code: string | null },
): Promise<string> {
  const db = getDb();
  const { user, organisation, session, context } = current;
  const now = new Date();
  const limitKey = await secondFactorLimitKey(db, user.id);
  const attempt = await beginAttempt(db, [limitKey], now);
  if (!attempt.allowed) {
    await recordActorEvent(db, current, "two_factor.locked", { targetUserId: user.id, details: { lock: "window" } });
    return refused("locked");
  }
  // A Duo answer counts towards the cap of consecutive failures like a code (see reserveFactorFailure).
  const reservation = await reserveFactorFailure(db, user.id, now);
  if (!reservation.ok) {
    await forgiveAttempt(db, attempt);
    await recordActorEvent(db, current, "two_factor.locked", {
      targetUserId: user.id,
      details: { lock: "consecutive" },
    });
    return refused("factor_locked");
  }

  const result = await finishDuoPrompt(db, { user, sessionTokenHash: session.tokenHash, ...answer });
  if (
    result.ok &&
    result.purpose === "sign_in" &&
    phishingResistantOnly((await twoFactorStateOfUser(db, user.id)).requirement)
  ) {
    // A prompt started before the requirement applied: Duo can be phished like a code (NIST SP 800-63B-4 §3.2.5).
    await forgiveAttempt(db, attempt);
    await releaseFactorFailure(db, user.id, reservation);
    await recordActorEvent(db, current, "two_factor_method.refused", {
      targetUserId: user.id,
      details: { method: "duo", reason: "phishing_resistant_required" },
    });
    return "/login/two-factor";
  }
  if (result.ok && result.purpose === "sign_in") {
    const { proof } = result;
    const duoDetails = { method: "duo", duoFactor: proof.factor ?? "none", duoReason: proof.reason };
    if (!proof.usedFactor && (await duoBypassAtSignIn(db, organisation.id)) === "refuse") {
      // Duo let them through without a factor (lib/duo/auth-context.ts), and
      // the organisation does not accept that. Duo's configuration, not a
      // guess: not counted as a failed second factor.
      await forgiveAttempt(db, attempt);
      await releaseFactorFailure(db, user.id, reservation);
      await recordActorEvent(db, current, "duo_bypass.refused", {
        targetUserId: user.id,
        details: { purpose: "sign_in", duoReason: proof.reason, duoFactor: duoDetails.duoFactor },
      });
      return refused("no_factor");
    }
    await forgiveAttempt(db, attempt, [limitKey]);
    await clearFactorFailures(db, user.id);
    // The organisation chose to let Duo's bypasses in: the sign-in says so, for the audit log to show.
    const details = proof.usedFactor ? duoDetails : { ...duoDetails, withoutSecondFactor: true };
    await recordActorEvent(db, current, "two_factor.succeeded", { targetUserId: user.id, details });
    // A remembered browser stands in for a second factor passed: never for one that was not.
    return completeSecondFactor(current, result.rememberBrowser && proof.usedFactor, proof.usedFactor, {
      via: "second_factor",
      method: proof.usedFactor ? "duo" : "duo_bypass",
    });
  }

  const reason = result.ok ? "bad_state" : result.reason;
  if (!result.ok && result.purpose === null) {
    // No state of this session: nothing was attempted with it (states are
    // unguessable), and counting it would let any page that sends a victim's
    // browser here lock their second factor.
    await forgiveAttempt(db, attempt);
    await releaseFactorFailure(db, user.id, reservation);
    await recordActorEvent(db, current, "duo.refused", {
      targetUserId: user.id,
      details: { reason, purpose: "unknown" },
    });
    return refused(reason);
  }
  // Duo down, or set up in a way this server refuses to call: nobody's failed attempt.
  if (reason === "unreachable" || reason === "not_configured" || reason === "host_not_allowed") {
    await forgiveAttempt(db, attempt);
    await releaseFactorFailure(db, user.id, reservation);
    await recordActorEvent(db, current, "duo_connection.failed", { targetUserId: user.id, details: { reason } });
    return refused(reason);
  }
  const failure = await countFailedSecondFactor(db, {
    user,
    sessionTokenHash: session.tokenHash,
    context,
    now,
    factorLocked: reservation.locksIfWrong,
    details: { method: "duo", reason },
  });
  if (failure.factorLocked) await announceFactorLock(db, user, organisation);
  else if (failure.lockedUntil) await warnOwnerOfLockout(user, organisation);
  if (failure.factorLocked) return refused("factor_locked");
  if (failure.outcome === "session_ended") {
    await clearSessionCookie();
    return "/login?reason=too-many-codes";
  }
  return refused(reason);
}
