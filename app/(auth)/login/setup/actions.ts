"use server";

import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { completeSignIn, skipSetupDuringGrace } from "@/lib/flows/sign-in-completion";
import { requireSession } from "@/lib/auth/guards";
import { beginEnrolment, finishEnrolment, type EnrolmentFinish } from "@/lib/flows/authenticator-enrolment";
import {
  finishOwnPasskeyRegistration,
  startOwnPasskeyRegistration,
  type PasskeyRegistrationStart,
} from "@/lib/data/profile-passkeys";
import { passkeyMessages } from "@/lib/messages";
import { passkeyNameSchema } from "@/lib/webauthn/passkey-name";
import { registrationResponseField } from "@/lib/webauthn/response-schema";

const requireSetup = () => requireSession("setup");

// The password was typed moments ago to reach this stage: no need to ask again.
export const startSetupAction = formAction({
  guard: requireSetup,
  schema: z.object({}),
  handler: (_input, current) => beginEnrolment(current),
});

// The session stays in setup until the user has seen their recovery codes:
// changing the cookie now would re-render this page, which would redirect
// away from the codes before they were saved.
export const confirmSetupAction = formAction({
  guard: requireSetup,
  schema: z.object({
    code: z.string().trim().min(1, { error: "Enter the code from your authenticator app." }).max(64),
  }),
  handler: ({ code }, current): Promise<FormState<EnrolmentFinish>> => finishEnrolment(current, code),
});

/**
 * "I have saved my recovery codes": the sign-in completes if setup is done in
 * the policy's view (completeSignIn checks it, not a raw row count: review L1).
 */
export async function finishSetupAction(): Promise<void> {
  await completeSignIn(await requireSetup());
}

export const skipSetupAction = formAction({
  guard: requireSetup,
  schema: z.object({}),
  handler: (_input, current) => skipSetupDuringGrace(current),
});

/** "Add a passkey" at required setup: the options (the password was typed moments ago). */
export const startSetupPasskeyAction = formAction({
  guard: requireSetup,
  schema: z.object({ name: passkeyNameSchema }),
  echo: ["name"],
  handler: (_input, current): Promise<FormState<PasskeyRegistrationStart>> => startOwnPasskeyRegistration(current),
});

/**
 * A registered passkey is a second factor: setup is done, and the sign-in
 * completes, unless recovery codes came with it: they are shown first, and
 * "I have saved my recovery codes" completes it (finishSetupAction).
 */
export const finishSetupPasskeyAction = formAction({
  guard: requireSetup,
  schema: z.object({
    name: passkeyNameSchema,
    response: registrationResponseField(passkeyMessages.answerNotUnderstood),
  }),
  echo: ["name"],
  async handler(input, current) {
    const result = await finishOwnPasskeyRegistration(current, input);
    if (result.status !== "success" || result.data?.recoveryCodes) return result;
    return completeSignIn(current);
  },
});
