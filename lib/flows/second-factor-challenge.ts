import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import type { CurrentSession } from "@/lib/auth/guards";
import { completeSecondFactor } from "@/lib/flows/sign-in-completion";
import { clearSessionCookie } from "@/lib/flows/session-cookies";
import { appKeyRing } from "@/lib/keys/app-key-ring";
import { fieldError, messages } from "@/lib/messages";
import { isCodeMethod, startingMethod } from "@/lib/two-factor/policy/methods";
import { recoveryCodeSupply } from "@/lib/two-factor/recovery-codes/codes";
import { recoveryCodeUsedPath, tellOwnerRecoveryCodeUsed } from "@/lib/two-factor/recovery-codes/used-notice";
import { announceBreakGlass } from "@/lib/two-factor/recovery-codes/break-glass-notice";
import { liveCode } from "@/lib/two-factor/sent-codes/codes";
import { sendOutcomeMessage } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { challengeMethods, sendSecondFactorCode } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { announceFactorLock } from "@/lib/two-factor/sign-in/factor-lock-notice";
import { warnOwnerOfLockout } from "@/lib/two-factor/sign-in/lockout-notice";
import { verifySecondFactor, type CodeProblem } from "@/lib/two-factor/sign-in/second-factor-check";

/* The second step of signing in (/login/two-factor): a code, a sent code, a recovery code. */

function wrongCodeMessage(problem: CodeProblem, attemptsLeft: number): string {
  const left = `${attemptsLeft} attempt${attemptsLeft === 1 ? "" : "s"} left.`;
  switch (problem) {
    case "expired":
      return `That code has expired: send a new code. ${left}`;
    case "voided":
      return `That code was entered wrongly too many times: send a new code. ${left}`;
    case "no_code":
      return `No code is waiting for you: send a new code. ${left}`;
    default:
      return `That code is not valid. ${left}`;
  }
}

/**
 * Checks a code typed at the second step; on success the session is signed
 * in and the browser moves on (a recovery code first tells the owner).
 * `requested` is the code the page asked for, never trusted beyond the user's methods.
 */
export async function verifySecondFactorStep(
  current: CurrentSession,
  input: { code: string; requested?: "totp" | "code"; remember: boolean },
): Promise<FormState> {
  const { user, organisation, session, context } = current;
  const db = getDb();
  const { methods, preferredMethod, phishingResistantOnly } = await challengeMethods(db, user.id);
  // A code typed while Duo is the starting method is for the user's first code method (or a recovery code).
  const starting = startingMethod(methods, preferredMethod);
  const { requested } = input;
  const method =
    requested && methods.includes(requested)
      ? requested
      : isCodeMethod(starting)
        ? starting
        : (methods.find(isCodeMethod) ?? "totp");
  const result = await verifySecondFactor(db, {
    user,
    sessionTokenHash: session.tokenHash,
    code: input.code,
    method,
    keys: appKeyRing(),
    context,
  });
  if (result.outcome === "wrong" || result.outcome === "session_ended") {
    if (result.factorLocked) await announceFactorLock(db, user, organisation);
    else if (result.lockedUntil) await warnOwnerOfLockout(user, organisation);
  }

  // This failure paused the second step, or it already was: the page shows the paused state (and its countdown) now.
  if ((result.outcome === "locked" && result.retryAt) || (result.outcome === "wrong" && result.lockedUntil)) {
    revalidatePath("/login/two-factor");
  }

  switch (result.outcome) {
    case "method_refused":
      return fieldError("code", messages.phishingResistantMethodRefused);
    case "locked":
      if (!result.retryAt) return { status: "error", message: messages.secondStepLocked };
      return { status: "error", message: messages.tooManyWrongCodes(result.retryAt) };
    case "wrong":
      // Said here, in the form's live region; the page shows the locked state from its next load.
      if (result.factorLocked) return { status: "error", message: messages.secondStepLocked };
      return fieldError("code", wrongCodeMessage(result.codeProblem, result.attemptsLeft));
    case "session_ended":
      await clearSessionCookie();
      redirect("/login?reason=too-many-codes");
  }

  const next = await completeSecondFactor(current, input.remember, true, {
    via: "second_factor",
    method: result.method,
  });
  if (result.method !== "recovery_code" || next === "/login") redirect(next);
  // A lost factor, probably: tell the owner, and offer to set up a new one before anything else.
  const codesLeft = (await recoveryCodeSupply(db, user.id)).left;
  // Break-glass past a passkey requirement: the administrators hear of it too.
  if (phishingResistantOnly) await announceBreakGlass(db, user, organisation, codesLeft);
  else await tellOwnerRecoveryCodeUsed(user, organisation, codesLeft);
  redirect(recoveryCodeUsedPath(next));
}

/** "Send a new code": voids the earlier code, under the cooldown and the send limits. */
export async function sendSecondFactorCodeStep(current: CurrentSession): Promise<FormState> {
  const outcome = await sendSecondFactorCode(getDb(), {
    userId: current.user.id,
    sessionTokenHash: current.session.tokenHash,
    context: current.context,
  });
  // The page says where the code went: it must show the new code's destination.
  if (outcome.ok) revalidatePath("/login/two-factor");
  const { data: _sentTo, ...message } = sendOutcomeMessage(outcome);
  return message;
}

/** From the authenticator app to a sent code: send one (unless one is waiting), then show the code step. */
export async function switchToSentCode(current: CurrentSession): Promise<FormState> {
  const waiting = await liveCode(getDb(), {
    userId: current.user.id,
    sessionTokenHash: current.session.tokenHash,
    purpose: "second_factor",
  });
  if (!waiting) {
    const result = await sendSecondFactorCodeStep(current);
    if (result.status === "error") return result;
  }
  redirect("/login/two-factor?method=code");
}
