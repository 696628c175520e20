"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireSession } from "@/lib/auth/guards";
import {
  sendSecondFactorCodeStep,
  switchToSentCode,
  verifySecondFactorStep,
} from "@/lib/flows/second-factor-challenge";

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

export const verifySecondFactorAction = formAction({
  guard: requireChallenge,
  schema: challengeSchema,
  handler: ({ code, method, remember }, current) =>
    verifySecondFactorStep(current, { code, requested: method, remember: Boolean(remember) }),
});

/** "Send a new code": voids the earlier code, under the cooldown and the send limits. */
export const sendNewCodeAction = formAction({
  guard: requireChallenge,
  schema: z.object({}),
  handler: (_input, current) => sendSecondFactorCodeStep(current),
});

/** From the authenticator app to a sent code: send one, then show the code step. */
export const switchToCodeAction = formAction({
  guard: requireChallenge,
  schema: z.object({}),
  handler: (_input, current) => switchToSentCode(current),
});
