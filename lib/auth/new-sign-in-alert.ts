import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { organisations, users } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { formatDateTime } from "@/lib/format";
import { notifyUser } from "@/lib/messaging/notify";
import type { RequestContext } from "@/lib/request-context";
import { describeBrowserAndOs } from "@/lib/user-agent";

export const NEW_SIGN_IN_SUBJECT = "New sign-in to Twofold";

/** The words of "New sign-in to Twofold": browser, system, address and time, and where to end the session. */
export function newSignInMessage(input: { context: RequestContext; at: Date; sessionsUrl: string }) {
  const { browser, os } = describeBrowserAndOs(input.context.userAgent);
  return {
    subject: NEW_SIGN_IN_SUBJECT,
    heading: "New sign-in to your account",
    paragraphs: [
      "Your account was just signed in to from a browser it has not used before:",
      `Browser: ${browser}. System: ${os}. Address: ${input.context.ip ?? "unknown"}. Time: ${formatDateTime(input.at)} (Coordinated Universal Time).`,
      `If this was you, there is nothing to do. If not, end that session and change your password: ${input.sessionsUrl}`,
    ],
  };
}

/**
 * Emails the owner about a sign-in from a new browser, unless they turned
 * these alerts off on /profile (OWASP ASVS 5.0 V6.3.7: notify users of
 * suspicious authentication). A failure to send is logged by notifyUser,
 * never raised: the sign-in has already happened.
 */
export async function sendNewSignInAlert(db: Executor, input: { userId: number; context: RequestContext; at: Date }): Promise<void> {
  const row = db
    .select({ email: users.email, name: users.name, signInAlerts: users.signInAlerts, organisationName: organisations.name })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(eq(users.id, input.userId))
    .get();
  if (!row?.signInAlerts) return;
  const message = newSignInMessage({ context: input.context, at: input.at, sessionsUrl: appUrl("/profile#sessions") });
  // notifyUser puts the organisation in front: "Acme: New sign-in to Twofold", like every security email.
  await notifyUser({ email: row.email, name: row.name }, { name: row.organisationName }, message);
}
