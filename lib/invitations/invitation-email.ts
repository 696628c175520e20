import "server-only";
import { appUrl } from "@/lib/app-url";
import { invitationLinkPath } from "@/lib/invitations/invitations";
import { sendLinkEmail } from "@/lib/messaging/link-email";
import { invitation } from "@/lib/messaging/security-emails";

/**
 * Emails an invitation link. Returns whether the provider took it: the
 * invitation exists either way, and the admin can resend it.
 */
export function sendInvitationEmail(input: {
  to: string;
  token: string;
  expiresAt: Date;
  organisationName: string;
  invitedByName: string;
}): Promise<boolean> {
  return sendLinkEmail({
    to: { email: input.to },
    organisationName: input.organisationName,
    ...invitation({
      organisationName: input.organisationName,
      invitedByName: input.invitedByName,
      expiresAt: input.expiresAt,
      url: appUrl(invitationLinkPath(input.token)),
    }),
  });
}
