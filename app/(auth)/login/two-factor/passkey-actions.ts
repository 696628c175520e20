"use server";

import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireSession } from "@/lib/auth/guards";
import {
  passkeySecondFactorOptions,
  verifyPasskeySecondFactor,
  type PasskeyOptions,
} from "@/lib/flows/passkey-second-factor";
import { passkeyMessages } from "@/lib/messages";
import { authenticationResponseField } from "@/lib/webauthn/response-schema";

const requireChallenge = () => requireSession("password");

/** "Use a passkey or security key": options offering the user's own passkeys. */
export const passkeyChallengeOptionsAction = formAction({
  guard: requireChallenge,
  schema: z.object({}),
  handler: (_input, current): Promise<FormState<PasskeyOptions>> => passkeySecondFactorOptions(current),
});

export const verifyPasskeyChallengeAction = formAction({
  guard: requireChallenge,
  schema: z.object({
    response: authenticationResponseField(passkeyMessages.answerNotUnderstood),
    remember: z.literal("on").optional(),
  }),
  handler: ({ response, remember }, current) =>
    verifyPasskeySecondFactor(current, { response, remember: Boolean(remember) }),
});
