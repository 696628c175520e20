import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordAuditEvent } from "@/lib/audit";
import { getCurrentSession } from "@/lib/auth/guards";
import { newPasswordProblem } from "@/lib/auth/new-password-check";
import { hashPassword } from "@/lib/auth/passwords";
import { createSession } from "@/lib/auth/sessions";
import { hashToken } from "@/lib/crypto";
import { endCurrentSession } from "@/lib/data/sign-in";
import { noteFullSignIn } from "@/lib/flows/full-sign-in";
import { setSessionCookie } from "@/lib/flows/session-cookies";
import { acceptInvitation, openInvitation } from "@/lib/invitations/invitations";
import { stageAfterInvitation } from "@/lib/invitations/first-sign-in";
import { fieldError } from "@/lib/messages";
import { requestContext } from "@/lib/request-context";
import { sendCodeIfChallengeStartsWithIt } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { stageAfterPassword } from "@/lib/two-factor/sign-in/stage-after-password";

const LINK_UNUSABLE: FormState = {
  status: "error",
  message: "This invitation link can no longer be used. Ask your administrator to send you a new invitation.",
};

/** Whoever was signed in in this browser is signed out: the invitee signs in as themselves. */
async function signOutCurrentSession(): Promise<void> {
  const current = await getCurrentSession();
  if (current) await endCurrentSession(current, "invitation_accepted");
}

/**
 * Accepting an invitation: the invitee's name and password, then a session
 * at whichever sign-in step they owe, and on to it.
 */
export async function acceptInvitationAndSignIn(input: {
  token: string;
  name: string;
  newPassword: string;
}): Promise<FormState> {
  const { token, name, newPassword } = input;
  const db = getDb();
  // Checked before hashing, so that nobody without a live link makes the server run argon2.
  const invitation = await openInvitation(db, token);
  if (!invitation) return LINK_UNUSABLE;
  const problem = newPasswordProblem(newPassword, {
    email: invitation.email,
    name,
    organisationName: invitation.organisationName,
  });
  if (problem) return fieldError("newPassword", problem);
  const accepted = await acceptInvitation(db, { token, name, passwordHash: await hashPassword(newPassword) });
  if (!accepted) return LINK_UNUSABLE;

  await signOutCurrentSession();
  const context = requestContext(await headers());
  // Opening the emailed link already proved the mailbox: no second email first (see stageAfterInvitation).
  const sessionStage = await stageAfterInvitation(
    db,
    accepted,
    (await stageAfterPassword(db, accepted.userId, null)).stage,
  );
  const session = await createSession(db, { userId: accepted.userId, stage: sessionStage, context });
  await setSessionCookie(session.token, session.expiresAt);
  if (sessionStage === "active") await noteFullSignIn(db, { userId: accepted.userId, context, via: "invitation" });
  await recordAuditEvent(db, {
    type: "invitation.accepted",
    organisationId: accepted.organisationId,
    actorUserId: accepted.userId,
    targetUserId: accepted.userId,
    context,
    details: { stage: sessionStage },
  });
  if (sessionStage === "password") {
    await sendCodeIfChallengeStartsWithIt(db, {
      userId: accepted.userId,
      sessionTokenHash: hashToken(session.token),
      context,
    });
  }
  // A welcome that names the next step; the guards send a session that still owes a code to its step.
  if (sessionStage === "active") redirect("/welcome");
  if (sessionStage === "setup") redirect("/login/setup?welcome=1");
  redirect("/");
}
