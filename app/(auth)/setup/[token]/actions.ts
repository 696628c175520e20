"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { formAction, REAUTHENTICATION_MESSAGE, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import { requireLocalAccount, requireUser, type CurrentSession } from "@/lib/auth/guards";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password-policy";
import { isRecentlyAuthenticated } from "@/lib/auth/recent-authentication";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { consumeEmailLink, EMAIL_LINK_TOKEN_MAX_LENGTH, findLiveEmailLink, type EmailLink } from "@/lib/email-links";
import { beginEnrolment, finishEnrolment, type EnrolmentFinish, type EnrolmentStart } from "@/lib/flows/authenticator-enrolment";

/*
 * Enrolling through an admin's setup link (/setup/<token>). The page binds
 * the token to these actions; like any input it is checked again here: the
 * link must be live and be the signed-in user's own.
 */

const LINK_UNUSABLE: FormState = {
  status: "error",
  message: "This setup link can no longer be used. Ask your administrator for a new one, or set up two-factor authentication from your profile.",
};

function ownLiveLink(token: unknown, current: CurrentSession): EmailLink | null {
  const parsed = z.string().min(1).max(EMAIL_LINK_TOKEN_MAX_LENGTH).safeParse(token);
  if (!parsed.success) return null;
  const link = findLiveEmailLink(getDb(), "authenticator_setup", parsed.data);
  return link && link.userId === current.user.id ? link : null;
}

/**
 * The session alone does not bind a factor: the link's user types their
 * password too, and someone who already has a factor confirms access with it
 * first (NIST SP 800-63B-4 §4.1.2: binding an additional authenticator needs
 * authentication at the AAL being bound).
 */
const start = (token: unknown) =>
  formAction({
    guard: requireLocalAccount,
    schema: z.object({
      currentPassword: z
        .string()
        .min(1, { error: "Enter your current password." })
        .max(PASSWORD_MAX_LENGTH, { error: "That is not your current password." }),
    }),
    async handler({ currentPassword }, current): Promise<FormState<EnrolmentStart>> {
      if (!ownLiveLink(token, current)) return LINK_UNUSABLE;
      if (twoFactorStateOfUser(getDb(), current.user.id).hasFactor && !isRecentlyAuthenticated(current)) {
        return { status: "reauthenticate", message: REAUTHENTICATION_MESSAGE };
      }
      const refusal = await confirmCurrentPassword(getDb(), current.user, currentPassword, current.context);
      return refusal ?? beginEnrolment(current);
    },
  });

// The link is spent only once the app is confirmed: a wrong code leaves it usable.
const confirm = (token: unknown) =>
  formAction({
    guard: requireUser,
    schema: z.object({ code: z.string().trim().min(1, { error: "Enter the code from your authenticator app." }).max(64) }),
    async handler({ code }, current): Promise<FormState<EnrolmentFinish>> {
      const link = ownLiveLink(token, current);
      if (!link) return LINK_UNUSABLE;
      const finished = await finishEnrolment(current, code);
      if (finished.status === "success") {
        consumeEmailLink(getDb(), link.id);
        recordActorEvent(getDb(), current, "setup_link.used", { targetUserId: current.user.id, details: { purpose: "authenticator_setup" } });
      }
      return finished;
    },
  });

export async function startLinkSetupAction(token: string, previous: FormState<EnrolmentStart>, formData: FormData): Promise<FormState<EnrolmentStart>> {
  return start(token)(previous, formData);
}

export async function confirmLinkSetupAction(token: string, previous: FormState<EnrolmentFinish>, formData: FormData): Promise<FormState<EnrolmentFinish>> {
  return confirm(token)(previous, formData);
}
