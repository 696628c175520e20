"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { completeSignIn, skipSetupDuringGrace } from "@/lib/flows/sign-in-completion";
import { requireSession } from "@/lib/auth/guards";
import { beginEnrolment, finishEnrolment, type EnrolmentFinish } from "@/lib/flows/authenticator-enrolment";
import { hasAuthenticatorApp } from "@/lib/data/required-setup";

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

/** "I have saved my recovery codes": setup is done, the sign-in completes. */
export async function finishSetupAction(): Promise<void> {
  const current = await requireSetup();
  if (!(await hasAuthenticatorApp(current))) redirect("/login/setup");
  await completeSignIn(current);
}

export const skipSetupAction = formAction({
  guard: requireSetup,
  schema: z.object({}),
  handler: (_input, current) => skipSetupDuringGrace(current),
});
