import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type EmailLinkPurpose } from "@/db/schema";
import { recordAuditEvent } from "@/lib/audit";
import { createEmailLink, lookUpEmailLink, type EmailLink, type EmailLinkSendLimits } from "@/lib/email-links";
import { sendLinkEmail } from "@/lib/messaging/link-email";
import { signInSetupLink } from "@/lib/messaging/security-emails";
import type { RequestContext } from "@/lib/request-context";
import { appUrl } from "@/lib/app-url";
import { maskEmail } from "@/lib/two-factor/sent-codes/delivery";
import { describeErrorForLog } from "@/lib/messaging/redact";

/*
 * The emailed step of a required setup at sign-in (organisations whose
 * setup flow is "emailed_link"): after the password the session waits in
 * `email_setup` until the link mailed to the user is opened in that same
 * session, which proves they control the mailbox before binding a factor.
 */

const PURPOSE: EmailLinkPurpose = "sign_in_setup";
export const SIGN_IN_SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Like codes: a pause between sends and a cap, so the page cannot be used to flood a mailbox. */
export const SIGN_IN_SETUP_LINK_LIMITS: EmailLinkSendLimits = {
  cooldownMs: 30 * 1000,
  perWindow: 5,
  windowMs: 60 * 60 * 1000,
};

export const signInSetupLinkPath = (token: string) => `/login/setup/link/${token}`;

export type LinkSendOutcome =
  | { ok: true; maskedEmail: string }
  | { ok: false; reason: "cooldown" | "too_many"; retryAt: Date }
  | { ok: false; reason: "delivery_failed" | "no_user" };

type SessionInput = { userId: number; sessionTokenHash: string; context: RequestContext; now?: Date };

/**
 * Sends a link bound to this session, under the send limits. This session's
 * earlier unused links stop working: only its newest one does.
 */
export async function sendSignInSetupLink(db: Db, input: SessionInput): Promise<LinkSendOutcome> {
  const user = (
    await db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        organisationId: users.organisationId,
        organisationName: organisations.name,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, input.userId))
  )[0];
  if (!user) return { ok: false, reason: "no_user" };
  const created = await createEmailLink(db, {
    organisationId: user.organisationId,
    userId: user.id,
    purpose: PURPOSE,
    lifetimeMs: SIGN_IN_SETUP_LINK_LIFETIME_MS,
    sessionTokenHash: input.sessionTokenHash,
    revokeEarlier: true,
    limits: SIGN_IN_SETUP_LINK_LIMITS,
    now: input.now,
  });
  if (!created.ok) return created;
  const delivered = await sendLinkEmail({
    to: user,
    organisationName: user.organisationName,
    ...signInSetupLink({ organisationName: user.organisationName, url: appUrl(signInSetupLinkPath(created.token)) }),
  });
  await recordAuditEvent(db, {
    type: delivered ? "setup_link.sent" : "setup_link.undelivered",
    organisationId: user.organisationId,
    actorUserId: user.id,
    targetUserId: user.id,
    context: input.context,
    details: { purpose: PURPOSE },
  });
  return delivered ? { ok: true, maskedEmail: maskEmail(user.email) } : { ok: false, reason: "delivery_failed" };
}

/** Right after the password or a demotion to setup: never throws, the page offers "Send the link again". */
export async function sendSignInSetupLinkQuietly(db: Db, input: SessionInput): Promise<void> {
  try {
    await sendSignInSetupLink(db, input);
  } catch (error) {
    console.error("Twofold: could not send the sign-in setup link:", describeErrorForLog(error));
  }
}

export type SignInSetupLinkCheck = { ok: true; link: EmailLink } | { ok: false; reason: "invalid" | "other_session" };

/**
 * Whether `token` is a live sign-in setup link of this very session. A link
 * opened in another browser or session is refused and left unused, so the
 * browser that signed in can still use it.
 */
export async function checkSignInSetupLink(
  db: Db,
  token: string,
  session: { userId: number; tokenHash: string },
  now = new Date(),
): Promise<SignInSetupLinkCheck> {
  const found = await lookUpEmailLink(db, PURPOSE, token, now);
  if (found.state !== "live") return { ok: false, reason: "invalid" };
  if (found.link.userId !== session.userId || found.link.sessionTokenHash !== session.tokenHash)
    return { ok: false, reason: "other_session" };
  return { ok: true, link: found.link };
}
