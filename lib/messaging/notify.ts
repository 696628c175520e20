import { sendEmail } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";

/** Tells a user by email about a change to their account's security. */
export function notifyUser(
  user: { email: string; name: string },
  organisation: { name: string },
  message: { subject: string; heading: string; paragraphs: string[] },
): Promise<void> {
  return sendEmail({
    to: user.email,
    subject: `${organisation.name}: ${message.subject}`,
    ...notificationEmail({
      organisationName: organisation.name,
      heading: message.heading,
      paragraphs: [`Hello ${user.name},`, ...message.paragraphs, "If this was not you, contact your administrator straight away."],
    }),
  });
}
