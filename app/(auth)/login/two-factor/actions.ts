"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { clearSessionCookie } from "@/lib/flows/session-cookies";
import { requireSession, type CurrentSession } from "@/lib/auth/guards";
import { FACTOR_LOCKED_MESSAGE } from "@/lib/two-factor/sign-in/factor-lock-message";
import { announceFactorLock } from "@/lib/two-factor/sign-in/factor-lock-notice";
import { warnOwnerOfLockout } from "@/lib/two-factor/sign-in/lockout-notice";
import { verifySecondFactor, type CodeProblem } from "@/lib/two-factor/sign-in/second-factor-check";
import { completeSecondFactor } from "@/lib/flows/sign-in-completion";
import { challengeMethods, sendSecondFactorCode } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { sendOutcomeMessage } from "@/lib/two-factor/sent-codes/send-outcome-message";
import { isCodeMethod, startingMethod } from "@/lib/two-factor/policy/methods";
import { liveCode } from "@/lib/two-factor/sent-codes/codes";
import { recoveryCodeUsedPath, tellOwnerRecoveryCodeUsed } from "@/lib/two-factor/recovery-codes/used-notice";
import { recoveryCodeSupply } from "@/lib/two-factor/recovery-codes/codes";
import { appKeyRing } from "@/lib/keys/app-key-ring";

const challengeSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1, { error: "Enter the code, or a recovery code." })
    // Longer than any code with spaces: not worth verifying, and no attempt is spent on it.
    .max(64, { error: "That code is not valid." }),
  // Which code the page asked for; checked against the user's methods below, never trusted.
  method: z.enum(["totp", "code"]).optional(),
  remember: z.literal("on").optional(),
});

const requireChallenge = () => requireSession("password");

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

export const verifySecondFactorAction = formAction({
  guard: requireChallenge,
  schema: challengeSchema,
  async handler({ code, method: requested, remember }, current) {
    const { user, organisation, session, context } = current;
    const db = getDb();
    const { methods, preferredMethod } = challengeMethods(db, user.id);
    // A code typed while Duo is the starting method is for the user's first code method (or a recovery code).
    const starting = startingMethod(methods, preferredMethod);
    const method = requested && methods.includes(requested) ? requested : isCodeMethod(starting) ? starting : (methods.find(isCodeMethod) ?? "totp");
    const result = await verifySecondFactor(db, {
      user,
      sessionTokenHash: session.tokenHash,
      code,
      method,
      keys: appKeyRing(),
      context,
    });
    if (result.outcome !== "verified" && result.outcome !== "locked") {
      if (result.factorLocked) await announceFactorLock(db, user, organisation);
      else if (result.lockedUntil) await warnOwnerOfLockout(user, organisation);
    }

    switch (result.outcome) {
      case "locked": {
        if (!result.retryAt) return { status: "error", message: FACTOR_LOCKED_MESSAGE };
        const minutes = minutesUntil(result.retryAt);
        return { status: "error", message: `Too many wrong codes. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
      }
      case "wrong":
        // Said here, in the form's live region; the page shows the locked state from its next load.
        if (result.factorLocked) return { status: "error", message: FACTOR_LOCKED_MESSAGE };
        return {
          status: "error",
          message: "Please correct the highlighted field.",
          fieldErrors: { code: wrongCodeMessage(result.codeProblem, result.attemptsLeft) },
        };
      case "session_ended":
        await clearSessionCookie();
        redirect("/login?reason=too-many-codes");
    }

    const next = await completeSecondFactor(current, Boolean(remember));
    if (result.method !== "recovery_code" || next === "/login") redirect(next);
    // A lost factor, probably: tell the owner, and offer to set up a new one before anything else.
    await tellOwnerRecoveryCodeUsed(user, organisation, recoveryCodeSupply(db, user.id).left);
    redirect(recoveryCodeUsedPath(next));
  },
});

async function sendCodeFor(current: CurrentSession): Promise<FormState> {
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

/** "Send a new code": voids the earlier code, under the cooldown and the send limits. */
export const sendNewCodeAction = formAction({
  guard: requireChallenge,
  schema: z.object({}),
  handler: (_input, current) => sendCodeFor(current),
});

/** From the authenticator app to a sent code: send one, then show the code step. */
export const switchToCodeAction = formAction({
  guard: requireChallenge,
  schema: z.object({}),
  async handler(_input, current) {
    const waiting = liveCode(getDb(), { userId: current.user.id, sessionTokenHash: current.session.tokenHash, purpose: "second_factor" });
    if (!waiting) {
      const result = await sendCodeFor(current);
      if (result.status === "error") return result;
    }
    redirect("/login/two-factor?method=code");
  },
});
