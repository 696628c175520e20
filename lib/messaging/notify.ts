import { sendEmail } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";
import { describeErrorForLog } from "@/lib/messaging/redact";

/**
 * Tells a user by email about a change to their account's security. The
 * change has already happened, so a provider failure is logged rather than
 * undoing it or failing the request.
 */
export async function notifyUser(
  user: { email: string; name: string },
  organisation: { name: string },
  message: { subject: string; heading: string; paragraphs: string[] },
): Promise<void> {
  try {
    await sendEmail({
      to: user.email,
      subject: `${organisation.name}: ${message.subject}`,
      ...notificationEmail({
        organisationName: organisation.name,
        heading: message.heading,
        paragraphs: [
          `Hello ${user.name},`,
          ...message.paragraphs,
          "If this was not you, contact your administrator straight away.",
        ],
      }),
    });
  } catch (error) {
    console.error(`Twofold: could not send the "${message.subject}" notification:`, describeErrorForLog(error));
  }
}
