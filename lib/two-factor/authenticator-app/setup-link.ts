import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type EmailLinkPurpose } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { createEmailLink, revokeEmailLinks, type EmailLinkRefusal, type EmailLinkSendLimits } from "@/lib/email-links";
import { sendLinkEmail } from "@/lib/messaging/link-email";
import { authenticatorSetupLink } from "@/lib/messaging/security-emails";
import { pendingInvitationSql } from "@/lib/invitations/pending";

/*
 * "Send setup link": an admin emails a user a single-use link to a page
 * where, signed in as themselves, they enrol an authenticator app. The
 * admin never sees the secret; the link is spent when the app is confirmed.
 */

const PURPOSE: EmailLinkPurpose = "authenticator_setup";
export const AUTHENTICATOR_SETUP_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;

export const authenticatorSetupLinkPath = (token: string) => `/setup/${token}`;

type Recipient = { id: number; email: string; name: string; organisationId: number };

export type SetupLinkEligibility = { ok: true; user: Recipient } | { ok: false; reason: string };

/**
 * Whether a user of the organisation can be sent a setup link: not API
 * accounts or disabled users (they cannot sign in here), not SSO users
 * (their identity provider is their second factor), and only where
 * authenticator apps are allowed.
 */
export async function setupLinkEligibility(
  db: Db,
  organisationId: number,
  userId: number,
): Promise<SetupLinkEligibility> {
  const row = (
    await db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        organisationId: users.organisationId,
        isApiAccount: users.isApiAccount,
        ssoSubject: users.ssoSubject,
        disabledAt: users.disabledAt,
        allowTotp: organisations.allowTotp,
        invitationPending: pendingInvitationSql,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(and(eq(users.id, userId), eq(users.organisationId, organisationId)))
  )[0];
  if (!row) return { ok: false, reason: "That user does not exist." };
  if (row.isApiAccount)
    return { ok: false, reason: "API accounts do not sign in here, so they set up no authenticator app." };
  if (row.ssoSubject)
    return { ok: false, reason: "This user signs in with SSO: their identity provider asks for their second factor." };
  if (row.disabledAt) return { ok: false, reason: "This account is disabled. Enable it before sending a setup link." };
  if (row.invitationPending) {
    return {
      ok: false,
      reason:
        "This person has not accepted their invitation yet; accepting it sets up two-factor authentication when it is required.",
    };
  }
  if (!row.allowTotp)
    return { ok: false, reason: "Your organisation does not allow authenticator apps (see Settings)." };
  const { id, email, name } = row;
  return { ok: true, user: { id, email, name, organisationId: row.organisationId } };
}

/**
 * Creates the link (earlier unused ones stop working) and emails it. A link
 * whose email could not go is withdrawn at once: nobody could have it. With
 * `limits`, nothing is sent when they refuse (checked and recorded together).
 */
export async function sendAuthenticatorSetupLink(
  db: Db,
  input: {
    user: Recipient;
    organisationName: string;
    admin: { id: number; name: string };
    limits?: EmailLinkSendLimits;
    now?: Date;
  },
): Promise<{ ok: true } | { ok: false; reason: "delivery_failed" } | EmailLinkRefusal> {
  const created = await createEmailLink(db, {
    organisationId: input.user.organisationId,
    userId: input.user.id,
    purpose: PURPOSE,
    lifetimeMs: AUTHENTICATOR_SETUP_LINK_LIFETIME_MS,
    createdByUserId: input.admin.id,
    revokeEarlier: true,
    limits: input.limits,
    now: input.now,
  });
  if (!created.ok) return created;
  const delivered = await sendLinkEmail({
    to: input.user,
    organisationName: input.organisationName,
    ...authenticatorSetupLink({
      organisationName: input.organisationName,
      adminName: input.admin.name,
      url: appUrl(authenticatorSetupLinkPath(created.token)),
    }),
  });
  if (!delivered) await revokeEmailLinks(db, { userId: input.user.id, purpose: PURPOSE });
  return delivered ? { ok: true } : { ok: false, reason: "delivery_failed" };
}
