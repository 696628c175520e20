"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { takeNextPath } from "@/lib/auth/after-sign-in";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { clearSessionCookie, setSessionCookie, setTrustedBrowserCookie } from "@/lib/auth/cookies";
import { requireSession, type CurrentSession } from "@/lib/auth/guards";
import { rotateSession } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { notifyUser } from "@/lib/messaging/notify";
import { verifySecondFactor, type CodeProblem } from "@/lib/two-factor/challenge";
import { rememberBrowser } from "@/lib/two-factor/trusted-browsers";
import { sendSecondFactorCode } from "@/lib/two-factor/code-challenge";
import { sendOutcomeMessage } from "@/lib/two-factor/send-outcome-message";
import { startingMethod } from "@/lib/two-factor/methods";
import { liveCode } from "@/lib/two-factor/one-time-codes";
import { twoFactorStateOfUser } from "@/lib/two-factor/user-requirement";

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
    const { methods, preferredMethod } = twoFactorStateOfUser(db, user.id);
    const method = requested && methods.includes(requested) ? requested : (startingMethod(methods, preferredMethod) ?? "totp");
    const result = await verifySecondFactor(db, {
      user,
      sessionTokenHash: session.tokenHash,
      code,
      method,
      key: getEnv().APP_ENCRYPTION_KEY,
      context,
    });
    if (result.outcome !== "verified" && result.outcome !== "locked" && result.lockedUntil) {
      // Someone knows the password and is guessing codes: the owner should know.
      await notifyUser(user, organisation, {
        subject: "failed sign-in attempts",
        heading: "Someone is trying to sign in to your account",
        paragraphs: [
          "Your password was entered correctly, then the two-factor code was wrong 10 times, so the second step is locked for 15 minutes.",
          "If this was not you, change your password now.",
        ],
      });
    }

    switch (result.outcome) {
      case "locked": {
        const minutes = minutesUntil(result.retryAt);
        return { status: "error", message: `Too many wrong codes. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
      }
      case "wrong":
        return {
          status: "error",
          message: "Please correct the highlighted field.",
          fieldErrors: { code: wrongCodeMessage(result.codeProblem, result.attemptsLeft) },
        };
      case "session_ended":
        await clearSessionCookie();
        redirect("/login?reason=too-many-codes");
    }

    const rotated = rotateSession(db, session.tokenHash, { stage: "active", context });
    if (!rotated) redirect("/login");
    await setSessionCookie(rotated.token, rotated.expiresAt);
    if (remember) {
      const remembered = rememberBrowser(db, { userId: user.id, context });
      await setTrustedBrowserCookie(remembered.token, remembered.expiresAt);
      recordActorEvent(db, current, "trusted_browser.remembered", { targetUserId: user.id });
    }
    redirect(await takeNextPath());
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
