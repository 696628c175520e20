import { sendEmail } from "@/lib/messaging";
import { notificationEmail } from "@/lib/messaging/email-template";
import { describeErrorForLog } from "@/lib/messaging/redact";

/**
 * Emails someone a single-use link: the address on a line of its own, so
 * every mail client shows it whole and makes it clickable. Returns whether
 * the provider took the message; the caller says so and audits it.
 */
export async function sendLinkEmail(input: {
  /** Without a name (an invitee has not chosen one yet) the email has no greeting. */
  to: { email: string; name?: string };
  organisationName: string;
  subject: string;
  heading: string;
  /** Before the link. */
  intro: string[];
  url: string;
  /** After the link: how long it works, what to do if it was not you. */
  outro: string[];
}): Promise<boolean> {
  try {
    await sendEmail({
      to: input.to.email,
      subject: `${input.organisationName}: ${input.subject}`,
      ...notificationEmail({
        organisationName: input.organisationName,
        heading: input.heading,
        paragraphs: [...(input.to.name ? [`Hello ${input.to.name},`] : []), ...input.intro, input.url, ...input.outro],
      }),
    });
    return true;
  } catch (error) {
    console.error(`Twofold: could not send the "${input.subject}" email:`, describeErrorForLog(error));
    return false;
  }
}
