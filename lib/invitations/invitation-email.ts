import "server-only";
import { appUrl } from "@/lib/app-url";
import { formatDateTime } from "@/lib/format";
import { sendEmail } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";

/**
 * Emails an invitation link. Returns whether the provider took it: the
 * invitation exists either way, and the admin can resend it.
 */
export async function sendInvitationEmail(input: {
  to: string;
  token: string;
  expiresAt: Date;
  organisationName: string;
  invitedByName: string;
}): Promise<boolean> {
  const link = appUrl(`/invite/${input.token}`);
  try {
    await sendEmail({
      to: input.to,
      subject: `${input.organisationName}: you are invited to Twofold`,
      ...notificationEmail({
        organisationName: input.organisationName,
        heading: `${input.invitedByName} invited you to ${input.organisationName}`,
        paragraphs: [
          `${input.invitedByName} invited you to sign in to ${input.organisationName} with Twofold.`,
          `To accept, open this link, choose your name and a password: ${link}`,
          `The link works once, until ${formatDateTime(input.expiresAt)}. If it has expired, ask your administrator for a new one.`,
          "If you did not expect this invitation, you can ignore this email.",
        ],
      }),
    });
    return true;
  } catch (error) {
    console.error("Twofold: could not send an invitation:", error instanceof Error ? error.message : error);
    return false;
  }
}
