"use server";

import { headers } from "next/headers";
import { after } from "next/server";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { allowAnyone } from "@/lib/auth/guards";
import { emailSchema } from "@/lib/auth/sign-in-schema";
import { requestPasswordResetLink } from "@/lib/data/password-reset";
import { inMinutes } from "@/lib/messages";
import { requestContext } from "@/lib/request-context";

/** The one answer, whether or not the address has an account (ASVS 5.0 V6.3.8). */
const RESET_REQUESTED_MESSAGE =
  "If an account uses that address, we have sent it a link to choose a new password. It works once, for 30 minutes. Check your spam folder if it does not arrive.";

// Public: the person has forgotten the only thing that would sign them in.
export const requestPasswordResetAction = formAction({
  guard: allowAnyone,
  schema: z.object({ email: emailSchema }),
  echo: ["email"],
  async handler({ email }) {
    const outcome = await requestPasswordResetLink(email, requestContext(await headers()));
    if (outcome.outcome === "throttled") {
      return {
        status: "error",
        message: `Too many reset requests from your network. Try again in ${inMinutes(outcome.retryAt)}.`,
      };
    }
    // Creating the link and sending the email wait until the answer has gone, so its timing says nothing about the account.
    after(outcome.deliver);
    return { status: "success", message: RESET_REQUESTED_MESSAGE };
  },
});
