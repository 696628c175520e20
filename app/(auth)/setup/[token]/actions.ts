"use server";

import { z } from "zod";
import { formAction, type FormState } from "@/lib/action";
import { requireLocalAccount, requireUser } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import type { EnrolmentFinish, EnrolmentStart } from "@/lib/flows/authenticator-enrolment";
import { finishSetupLinkEnrolment, startSetupLinkEnrolment } from "@/lib/flows/setup-link-enrolment";

/* Enrolling through an admin's setup link (/setup/<token>): the page binds the token, the flow checks it again. */

const start = (token: unknown) =>
  formAction({
    guard: requireLocalAccount,
    schema: z.object({
      currentPassword: z
        .string()
        .min(1, { error: "Enter your current password." })
        .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." }),
    }),
    handler: ({ currentPassword }, current) => startSetupLinkEnrolment(current, token, currentPassword),
  });

const confirm = (token: unknown) =>
  formAction({
    guard: requireUser,
    schema: z.object({
      code: z.string().trim().min(1, { error: "Enter the code from your authenticator app." }).max(64),
    }),
    handler: ({ code }, current) => finishSetupLinkEnrolment(current, token, code),
  });

export async function startLinkSetupAction(
  token: string,
  previous: FormState<EnrolmentStart>,
  formData: FormData,
): Promise<FormState<EnrolmentStart>> {
  return start(token)(previous, formData);
}

export async function confirmLinkSetupAction(
  token: string,
  previous: FormState<EnrolmentFinish>,
  formData: FormData,
): Promise<FormState<EnrolmentFinish>> {
  return confirm(token)(previous, formData);
}
