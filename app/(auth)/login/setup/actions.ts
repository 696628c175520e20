"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { setSessionCookie } from "@/lib/auth/cookies";
import { requireSession, type CurrentSession } from "@/lib/auth/guards";
import { rotateSession } from "@/lib/auth/sessions";
import { beginEnrolment, finishEnrolment, type EnrolmentFinish } from "@/lib/two-factor/enrolment-flow";
import { hasConfirmedAuthenticator } from "@/lib/two-factor/authenticator";
import { twoFactorStateOfUser } from "@/lib/two-factor/user-requirement";

const requireSetup = () => requireSession("setup");

/** Setup finished or skipped: the session becomes a full one, under a new id. */
async function completeSignIn(current: CurrentSession): Promise<boolean> {
  const rotated = rotateSession(getDb(), current.session.tokenHash, { stage: "active", context: current.context });
  if (rotated) await setSessionCookie(rotated.token, rotated.expiresAt);
  return Boolean(rotated);
}

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
  schema: z.object({ code: z.string().trim().min(1, { error: "Enter the code from your authenticator app." }).max(64) }),
  handler: ({ code }, current): Promise<FormState<EnrolmentFinish>> => finishEnrolment(current, code),
});

/** "I have saved my recovery codes": setup is done, the sign-in completes. */
export async function finishSetupAction(): Promise<void> {
  const current = await requireSetup();
  if (!hasConfirmedAuthenticator(getDb(), current.user.id)) redirect("/login/setup");
  if (!(await completeSignIn(current))) redirect("/login");
  redirect("/");
}

export const skipSetupAction = formAction({
  guard: requireSetup,
  schema: z.object({}),
  async handler(_input, current) {
    const { requirement } = twoFactorStateOfUser(getDb(), current.user.id);
    if (requirement.level !== "required" || !requirement.graceUntil) {
      return { status: "error", message: "Your organisation requires two-factor authentication now: set it up to continue." };
    }
    recordActorEvent(getDb(), current, "two_factor.setup_skipped", { targetUserId: current.user.id });
    if (!(await completeSignIn(current))) redirect("/login");
    redirect("/");
  },
});
