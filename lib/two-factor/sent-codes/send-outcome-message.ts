import { FACTOR_LOCKED_MESSAGE } from "@/lib/two-factor/sign-in/factor-lock-message";
import type { FormState } from "@/lib/action";
import { inMinutes } from "@/lib/messages";
import type { SendOutcome } from "@/lib/two-factor/sent-codes/delivery";

export type CodeSent = { sentTo: string };

/** Why no code goes by email right after a reset through an emailed link (see signInCodePlan). */
export const CODES_BARRED_BY_RESET_MESSAGE =
  "Your password was just reset through a link sent to your email, so a code sent to that same email cannot finish signing in. Use another method or a recovery code, or ask your administrator for help.";

/** What a form says after a code was asked for; never the code itself. */
export function sendOutcomeMessage(outcome: SendOutcome | { ok: false; reason: "not_allowed" | "factor_locked" | "barred_by_reset" }): FormState<CodeSent> {
  if (outcome.ok) {
    const data = { sentTo: outcome.maskedDestination };
    if (outcome.fallback === "sms_failed") {
      return { status: "success", data, message: `We could not send a text message, so we emailed a code to ${outcome.maskedDestination}.` };
    }
    const how = outcome.channel === "sms" ? "by text message" : "by email";
    return { status: "success", data, message: `We sent a code ${how} to ${outcome.maskedDestination}. It is valid for 2 minutes.` };
  }
  switch (outcome.reason) {
    case "cooldown": {
      const seconds = Math.max(1, Math.ceil((outcome.retryAt.getTime() - Date.now()) / 1000));
      return { status: "error", message: `Please wait ${seconds} second${seconds === 1 ? "" : "s"} before asking for another code.` };
    }
    case "too_many":
      return { status: "error", message: `Too many codes were sent. Try again in ${inMinutes(outcome.retryAt)}, or use another method.` };
    case "not_allowed":
      return { status: "error", message: "Your organisation does not allow codes by text message or email for your account." };
    case "factor_locked":
      return { status: "error", message: FACTOR_LOCKED_MESSAGE };
    case "barred_by_reset":
      return { status: "error", message: CODES_BARRED_BY_RESET_MESSAGE };
    case "sms_limit":
      return { status: "error", message: "Too many text messages were sent from your organisation this hour. Try again later." };
    default:
      return { status: "error", message: "We could not send a code just now. Try again in a moment." };
  }
}
