import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { organisations, users } from "@/db/schema";
import { notifyUser } from "@/lib/messaging/notify";
import { newSignIn } from "@/lib/messaging/security-emails";
import type { RequestContext } from "@/lib/request-context";

/**
 * Emails the owner about a sign-in from a new browser, unless they turned
 * these alerts off on /profile (OWASP ASVS 5.0 V6.3.7: notify users of
 * suspicious authentication). A failure to send is logged by notifyUser,
 * never raised: the sign-in has already happened.
 */
export async function sendNewSignInAlert(
  db: Executor,
  input: { userId: number; context: RequestContext; at: Date },
): Promise<void> {
  const row = (
    await db
      .select({
        email: users.email,
        name: users.name,
        signInAlerts: users.signInAlerts,
        timeZone: users.timeZone,
        organisationName: organisations.name,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, input.userId))
  )[0];
  if (!row?.signInAlerts) return;
  // notifyUser puts the organisation in front: "Acme: New sign-in to Twofold", like every security email.
  await notifyUser(
    { email: row.email, name: row.name },
    { name: row.organisationName },
    newSignIn({ context: input.context, at: input.at, timeZone: row.timeZone ?? "UTC" }),
  );
}
