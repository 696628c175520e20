import "server-only";
import { getDb } from "@/db";
import { openInvitation } from "@/lib/invitations/invitations";

/* An invitation as its recipient sees it (/invite/<token>), before they have a password. */

export type InvitationView = { email: string; organisationName: string };

/** What a live link invites to; null for an unknown, expired, withdrawn or used one. Only reads. */
export async function viewInvitation(token: string): Promise<InvitationView | null> {
  const invitation = await openInvitation(getDb(), token);
  return invitation ? { email: invitation.email, organisationName: invitation.organisationName } : null;
}
