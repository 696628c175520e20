"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireLocalAccount } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { confirmOwnPassword } from "@/lib/data/profile";
import { ownDuoTurnedOn } from "@/lib/data/profile-factors";
import { redirectToDuoPrompt } from "@/lib/flows/duo-prompt";

const passwordSchema = z.object({
  currentPassword: z
    .string()
    .min(1, { error: "Enter your current password." })
    .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." }),
});

/**
 * "Set up Duo": the password first, as for an authenticator app (a stolen
 * session must not bind the thief's phone), then enrolment inside Duo;
 * coming back approved turns Duo on. SSO users' factor is their identity
 * provider's: refused by the guard.
 */
export const startDuoEnrolmentAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: passwordSchema,
  async handler({ currentPassword }, current) {
    if (await ownDuoTurnedOn(current)) return { status: "error", message: "Duo is already on." };
    const refusal = await confirmOwnPassword(current, currentPassword);
    return refusal ?? redirectToDuoPrompt(current, "enrol");
  },
});

/** "Turn off Duo": the password here, then an approval in Duo, as turning 2FA off needs the password and a code. */
export const startDuoDisableAction = formAction({
  guard: requireLocalAccount,
  sensitive: true,
  schema: passwordSchema,
  async handler({ currentPassword }, current) {
    if (!(await ownDuoTurnedOn(current))) return { status: "error", message: "Duo is already off." };
    const refusal = await confirmOwnPassword(current, currentPassword);
    return refusal ?? redirectToDuoPrompt(current, "disable");
  },
});
