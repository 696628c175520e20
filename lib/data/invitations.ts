import "server-only";
import { getDb } from "@/db";
import { refusalToGrant } from "@/lib/admin/delegated-change";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { adminTarget, refuse } from "@/lib/flows/admin-change";
import { sendInvitationEmail } from "@/lib/invitations/invitation-email";
import {
  createInvitation,
  findPendingInvitation,
  issueInvitationLink,
  withdrawInvitation as deleteInvitedUser,
} from "@/lib/invitations/invitations";

/* Invitations an administrator sends, resends and withdraws, always into and within the actor's own organisation. */

function emailTo(current: CurrentSession, to: string, link: { token: string; expiresAt: Date }): Promise<boolean> {
  return sendInvitationEmail({
    to,
    ...link,
    organisationName: current.organisation.name,
    invitedByName: current.user.name,
  });
}

/**
 * Invites `email` into the actor's organisation with the given roles and
 * groups, and emails the link. Roles or groups beyond the actor's own
 * permissions are a forgery (the page offers only those within): 403, audited.
 */
export async function inviteUser(
  current: CurrentSession,
  input: { email: string; roleIds: number[]; groupIds: number[] },
): Promise<
  { ok: true; email: string; delivered: boolean } | { ok: false; reason: "email_taken" | "unknown_role_or_group" }
> {
  const grant = { roleIds: input.roleIds, groupIds: input.groupIds };
  const refusal = await refusalToGrant(getDb(), current.organisation.id, current.user.id, grant);
  if (refusal) await refuse(current, "invitation.send", refusal);
  const result = await createInvitation(getDb(), {
    organisationId: current.organisation.id,
    invitedByUserId: current.user.id,
    email: input.email,
    ...grant,
  });
  if (!result.ok) return result;
  const delivered = await emailTo(current, result.email, result);
  await recordActorEvent(getDb(), current, "invitation.sent", {
    targetUserId: result.userId,
    details: { email: result.email, delivered },
  });
  return { ok: true, email: result.email, delivered };
}

/** A new link for a pending invitation (earlier ones stop working), emailed; `not_pending` when accepted or never sent. */
export async function resendInvitation(
  current: CurrentSession,
  userId: number,
): Promise<{ ok: true; delivered: boolean } | { ok: false; reason: "not_pending" }> {
  const db = getDb();
  const organisationId = current.organisation.id;
  if (!(await adminTarget(current, userId, "invitation.resend", { ownAccount: "allow" })))
    return { ok: false, reason: "not_pending" };
  // The check and the new link in one transaction: no link for someone who accepted in between.
  const sent = await db.transaction(async (tx) => {
    const pending = await findPendingInvitation(tx, organisationId, userId);
    if (!pending) return null;
    return {
      email: pending.email,
      ...(await issueInvitationLink(tx, { organisationId, userId, createdByUserId: current.user.id })),
    };
  });
  if (!sent) return { ok: false, reason: "not_pending" };
  const delivered = await emailTo(current, sent.email, sent);
  await recordActorEvent(db, current, "invitation.resent", {
    targetUserId: userId,
    details: { email: sent.email, delivered },
  });
  return { ok: true, delivered };
}

/** Withdraws a pending invitation: its links stop working and the never-used account is deleted. */
export async function withdrawInvitation(
  current: CurrentSession,
  userId: number,
): Promise<{ ok: true } | { ok: false; reason: "not_pending" }> {
  if (!(await adminTarget(current, userId, "invitation.withdraw", { ownAccount: "allow" })))
    return { ok: false, reason: "not_pending" };
  const withdrawn = await deleteInvitedUser(getDb(), current.organisation.id, userId);
  if (!withdrawn) return { ok: false, reason: "not_pending" };
  // The user row is gone; the address keeps the event meaningful.
  await recordActorEvent(getDb(), current, "invitation.withdrawn", { details: { email: withdrawn.email, userId } });
  return { ok: true };
}
