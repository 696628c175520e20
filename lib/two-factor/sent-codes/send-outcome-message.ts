import type { FormState } from "@/lib/action";
import { messages } from "@/lib/messages";
import type { SendOutcome } from "@/lib/two-factor/sent-codes/delivery";

export type CodeSent = { sentTo: string };

// The words are messages.codesBarredByReset; this name stays until app/ imports them from lib/messages.ts.

/** What a form says after a code was asked for; never the code itself. */
export function sendOutcomeMessage(
  outcome: SendOutcome | { ok: false; reason: "not_allowed" | "factor_locked" | "barred_by_reset" },
): FormState<CodeSent> {
  if (outcome.ok) {
    const data = { sentTo: outcome.maskedDestination };
    if (outcome.fallback === "sms_failed") {
      return { status: "success", data, message: messages.codeEmailedInstead(outcome.maskedDestination) };
    }
    return { status: "success", data, message: messages.codeSent(outcome.channel, outcome.maskedDestination) };
  }
  switch (outcome.reason) {
    case "cooldown":
      return { status: "error", message: messages.waitBeforeAnotherCode(outcome.retryAt) };
    case "too_many":
      return { status: "error", message: messages.tooManyCodesSent(outcome.retryAt) };
    case "not_allowed":
      return { status: "error", message: messages.codesNotAllowed };
    case "factor_locked":
      return { status: "error", message: messages.secondStepLocked };
    case "barred_by_reset":
      return { status: "error", message: messages.codesBarredByReset };
    case "sms_limit":
      return { status: "error", message: messages.organisationSmsLimitReached };
    default:
      return { status: "error", message: messages.codeNotSent };
  }
}
