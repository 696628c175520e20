"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { skipSetupDuringGrace } from "@/lib/flows/sign-in-completion";
import { requireSession } from "@/lib/auth/guards";
import { resendSignInSetupLink } from "@/lib/data/required-setup";
import { inMinutes } from "@/lib/messages";
import type { LinkSendOutcome } from "@/lib/two-factor/required-setup/email-setup-link";

const requireEmailSetup = () => requireSession("email_setup");

function sendOutcomeMessage(outcome: LinkSendOutcome): FormState {
  if (outcome.ok)
    return {
      status: "success",
      message: `We sent a new link to ${outcome.maskedEmail}. Earlier links no longer work.`,
    };
  switch (outcome.reason) {
    case "cooldown": {
      const seconds = Math.max(1, Math.ceil((outcome.retryAt.getTime() - Date.now()) / 1000));
      return {
        status: "error",
        message: `Please wait ${seconds} second${seconds === 1 ? "" : "s"} before asking for another link.`,
      };
    }
    case "too_many":
      return { status: "error", message: `Too many links were sent. Try again in ${inMinutes(outcome.retryAt)}.` };
    default:
      return { status: "error", message: "We could not send the email just now. Try again in a moment." };
  }
}

/** "Send the link again": a new link for this session, under the cooldown and the hourly cap. */
export const resendSetupLinkAction = formAction({
  guard: requireEmailSetup,
  schema: z.object({}),
  async handler(_input, current) {
    const outcome = await resendSignInSetupLink(current);
    // The page says whether a link is waiting.
    if (outcome.ok) revalidatePath("/login/setup/email");
    return sendOutcomeMessage(outcome);
  },
});

export const skipEmailSetupAction = formAction({
  guard: requireEmailSetup,
  schema: z.object({}),
  handler: (_input, current) => skipSetupDuringGrace(current),
});
