import "server-only";
import { appUrl } from "@/lib/app-url";
import { formatDateTime } from "@/lib/format";
import { invitationLinkPath } from "@/lib/invitations/invitations";
import { sendLinkEmail } from "@/lib/messaging/link-email";

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
    subject: "you are invited to Twofold",
    heading: `${input.invitedByName} invited you to ${input.organisationName}`,
    intro: [
      `${input.invitedByName} invited you to sign in to ${input.organisationName} with Twofold.`,
      "To accept, open this link, then choose your name and a password:",
    ],
    url: appUrl(invitationLinkPath(input.token)),
    outro: [
      `The link works once, until ${formatDateTime(input.expiresAt)}. If it has expired, ask your administrator for a new one.`,
      "If you did not expect this invitation, you can ignore this email.",
    ],
  });
}
