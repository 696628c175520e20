import "server-only";
import { z } from "zod";
import { getDb } from "@/db";
import { REAUTHENTICATION_MESSAGE, type FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import type { CurrentSession } from "@/lib/auth/guards";
import { isRecentlyAuthenticated } from "@/lib/auth/recent-authentication";
import { consumeEmailLink, EMAIL_LINK_TOKEN_MAX_LENGTH, findLiveEmailLink } from "@/lib/email-links";
import {
  beginEnrolment,
  finishEnrolment,
  type EnrolmentFinish,
  type EnrolmentStart,
} from "@/lib/flows/authenticator-enrolment";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

/*
 * Enrolling through an admin's setup link (/setup/<token>). The page binds
 * the token to the actions; like any input it is checked again here: the
 * link must be live and be the signed-in user's own.
 */

const LINK_UNUSABLE: FormState = {
  status: "error",
  message:
    "This setup link can no longer be used. Ask your administrator for a new one, or set up two-factor authentication from your profile.",
};

async function ownLiveLinkId(token: unknown, current: CurrentSession): Promise<number | null> {
  const parsed = z.string().min(1).max(EMAIL_LINK_TOKEN_MAX_LENGTH).safeParse(token);
  if (!parsed.success) return null;
  const link = await findLiveEmailLink(getDb(), "authenticator_setup", parsed.data);
  return link && link.userId === current.user.id ? link.id : null;
}

/**
 * The session alone does not bind a factor: the link's user types their
 * password too, and someone who already has a factor confirms access with it
 * first (NIST SP 800-63B-4 §4.1.2: binding an additional authenticator needs
 * authentication at the AAL being bound).
 */
export async function startSetupLinkEnrolment(
  current: CurrentSession,
  token: unknown,
  currentPassword: string,
): Promise<FormState<EnrolmentStart>> {
  if ((await ownLiveLinkId(token, current)) === null) return LINK_UNUSABLE;
  if ((await twoFactorStateOfUser(getDb(), current.user.id)).hasFactor && !isRecentlyAuthenticated(current)) {
    return { status: "reauthenticate", message: REAUTHENTICATION_MESSAGE };
  }
  const refusal = await confirmCurrentPassword(getDb(), current.user, currentPassword, current.context);
  return refusal ?? beginEnrolment(current);
}

/** The link is spent only once the app is confirmed: a wrong code leaves it usable. */
export async function finishSetupLinkEnrolment(
  current: CurrentSession,
  token: unknown,
  code: string,
): Promise<FormState<EnrolmentFinish>> {
  const linkId = await ownLiveLinkId(token, current);
  if (linkId === null) return LINK_UNUSABLE;
  const finished = await finishEnrolment(current, code);
  if (finished.status === "success") {
    await consumeEmailLink(getDb(), linkId);
    await recordActorEvent(getDb(), current, "setup_link.used", {
      targetUserId: current.user.id,
      details: { purpose: "authenticator_setup" },
    });
  }
  return finished;
}
