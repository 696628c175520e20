import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { organisations, users, type EmailLinkPurpose } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { recordAuditEvent } from "@/lib/audit";
import { beginAttempt, type LimitKey } from "@/lib/auth/attempt-limiter";
import { addressKey } from "@/lib/auth/client-address";
import { newPasswordProblem } from "@/lib/auth/new-password-check";
import { normaliseEmail } from "@/lib/auth/password-sign-in";
import { hashPassword } from "@/lib/auth/passwords";
import { deleteSessionsOfUser } from "@/lib/auth/sessions";
import {
  consumeEmailLink,
  createEmailLink,
  lookUpEmailLink,
  revokeEmailLinks,
  type EmailLinkSendLimits,
} from "@/lib/email-links";
import { sendLinkEmail } from "@/lib/messaging/link-email";
import { notifyUser } from "@/lib/messaging/notify";
import { passwordResetCompleted, passwordResetLink, passwordResetUnavailable } from "@/lib/messaging/security-emails";
import type { RequestContext } from "@/lib/request-context";
import { forgetTrustedBrowsersOfUser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { passkeysOfUser } from "@/lib/webauthn/passkeys";

/*
 * A forgotten password, reset through a single-use link sent to the
 * account's email address, asked for at /login/forgot or sent by an
 * administrator. The link only lets its holder choose a new password: the
 * second factor is still asked at the next sign-in (NIST SP 800-63B-4
 * §4.2, ASVS 5.0 V6.4.3: recovering one factor must not bypass the other), and every
 * session and remembered browser of the account ends.
 */

const PURPOSE: EmailLinkPurpose = "password_reset";

/** Long enough to read an email, short enough that an old mailbox is worth little (ASVS 5.0 V6.4.1). */
export const PASSWORD_RESET_LIFETIME_MS = 30 * 60 * 1000;

export const passwordResetPath = (token: string) => `/login/reset/${token}`;

/** "Send reset link" from one address (IPv6 by /64), over every account. */
export const RESET_REQUESTS_PER_ADDRESS = 20;
/** "Send reset link" for one typed email, from everywhere: the mailbox is not flooded. */
export const RESET_REQUESTS_PER_ACCOUNT = 5;
export const RESET_REQUEST_WINDOW_MS = 60 * 60 * 1000;

/** An administrator's "Send password reset link": counted apart from /login/forgot, which a stranger may have flooded. */
export const ADMIN_RESET_LINK_LIMITS: EmailLinkSendLimits = {
  cooldownMs: 60 * 1000,
  perWindow: RESET_REQUESTS_PER_ACCOUNT,
  windowMs: RESET_REQUEST_WINDOW_MS,
  sentByAdministrators: true,
};

/**
 * Who may reset a password here: a local account that can sign in. The
 * others get an email that says why not, so the page's answer never differs.
 */
export type ResetEligibility = "local" | "sso" | "api_account" | "disabled" | "invitation_pending";

type ResetAccount = {
  id: number;
  email: string;
  name: string;
  organisationId: number;
  organisationName: string;
  eligibility: ResetEligibility;
  /** When the password last changed, by any means: a link sent before then is stale. */
  passwordChangedAt: Date | null;
};

async function accountWhere(db: Db, where: SQL | undefined): Promise<ResetAccount | null> {
  const row = (
    await db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        organisationId: users.organisationId,
        organisationName: organisations.name,
        passwordHash: users.passwordHash,
        passwordChangedAt: users.passwordChangedAt,
        ssoSubject: users.ssoSubject,
        isApiAccount: users.isApiAccount,
        disabledAt: users.disabledAt,
      })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(where)
  )[0];
  if (!row) return null;
  const { passwordHash, ssoSubject, isApiAccount, disabledAt, ...account } = row;
  const eligibility: ResetEligibility = ssoSubject
    ? "sso"
    : isApiAccount
      ? "api_account"
      : disabledAt
        ? "disabled"
        : passwordHash
          ? "local"
          : "invitation_pending";
  return { ...account, eligibility };
}

export async function resetAccountByEmail(db: Db, email: string): Promise<ResetAccount | null> {
  // By lower(email), like signing in, which users_email_unique indexes.
  return await accountWhere(db, eq(sql`lower(${users.email})`, normaliseEmail(email)));
}

export async function resetAccountOfUser(db: Db, organisationId: number, userId: number): Promise<ResetAccount | null> {
  return await accountWhere(db, and(eq(users.id, userId), eq(users.organisationId, organisationId)));
}

/** Why an administrator cannot send this user a reset link, or null when they can. */
export function adminResetRefusal(account: ResetAccount): string | null {
  switch (account.eligibility) {
    case "local":
      return null;
    case "sso":
      return "This user signs in with SSO: their password is managed by the identity provider, not here.";
    case "api_account":
      return "API accounts have no password here: they use API tokens.";
    case "disabled":
      return "This account is disabled. Enable it before sending a password reset link.";
    case "invitation_pending":
      return "This person has not accepted their invitation yet: they choose a password when they do.";
  }
}

export function resetRequestLimitKeys(email: string, ip: string | null): LimitKey[] {
  const keys: LimitKey[] = [
    {
      scope: "reset_account",
      key: normaliseEmail(email),
      limit: RESET_REQUESTS_PER_ACCOUNT,
      windowMs: RESET_REQUEST_WINDOW_MS,
    },
  ];
  if (ip)
    keys.push({
      scope: "reset_address",
      key: addressKey(ip),
      limit: RESET_REQUESTS_PER_ADDRESS,
      windowMs: RESET_REQUEST_WINDOW_MS,
    });
  return keys;
}

export type ResetRequestOutcome =
  /** Shown the same whether or not the address has an account; `deliver` sends whatever is due, after the answer. */
  | { outcome: "accepted"; deliver: () => Promise<void> }
  /** This network asked too often: about the requester, never about the account. */
  | { outcome: "throttled"; retryAt: Date };

/**
 * "Send reset link" at /login/forgot. The answer and the work before it are
 * the same for every address (ASVS 5.0 V6.3.8: no account enumeration by
 * message or timing): one limiter check and one lookup. Creating the link and
 * emailing it happen in `deliver`, which the caller runs after the response
 * has gone. An address over its own limit is answered as usual and sent nothing.
 */
export async function requestPasswordReset(
  db: Db,
  input: { email: string; context: RequestContext },
  now = new Date(),
): Promise<ResetRequestOutcome> {
  const attempt = await beginAttempt(db, resetRequestLimitKeys(input.email, input.context.ip), now);
  const account = await resetAccountByEmail(db, input.email);
  if (!attempt.allowed) {
    if (attempt.limitedBy === "reset_address") return { outcome: "throttled", retryAt: attempt.retryAt };
    return { outcome: "accepted", deliver: async () => {} };
  }
  return {
    outcome: "accepted",
    deliver: () => (account ? deliverResetRequest(db, account, input.context, now) : Promise.resolve()),
  };
}

async function deliverResetRequest(db: Db, account: ResetAccount, context: RequestContext, now: Date): Promise<void> {
  await recordAuditEvent(db, {
    type: "password_reset.requested",
    organisationId: account.organisationId,
    targetUserId: account.id,
    context,
    details: { eligibility: account.eligibility },
    at: now,
  });
  if (account.eligibility === "local") {
    await issuePasswordResetLink(db, { account, context, now });
    return;
  }
  await notifyUser(
    account,
    { name: account.organisationName },
    passwordResetUnavailable({ reason: account.eligibility }),
  );
}

/**
 * Creates a reset link (earlier unused ones stop working) and emails it.
 * `sentBy`: the administrator who pressed "Send password reset link"; their
 * sends are limited per user (ADMIN_RESET_LINK_LIMITS). A link whose email
 * could not go is withdrawn at once: nobody could have it.
 */
export async function issuePasswordResetLink(
  db: Db,
  input: { account: ResetAccount; context: RequestContext; sentBy?: { id: number; name: string }; now?: Date },
): Promise<{ ok: true } | { ok: false; reason: "cooldown" | "too_many" | "delivery_failed"; retryAt?: Date }> {
  const { account, sentBy } = input;
  const now = input.now ?? new Date();
  const created = await createEmailLink(db, {
    organisationId: account.organisationId,
    userId: account.id,
    purpose: PURPOSE,
    lifetimeMs: PASSWORD_RESET_LIFETIME_MS,
    createdByUserId: sentBy?.id ?? null,
    revokeEarlier: true,
    ...(sentBy ? { limits: ADMIN_RESET_LINK_LIMITS } : {}),
    now,
  });
  if (!created.ok) return { ok: false, reason: created.reason, retryAt: created.retryAt };
  const delivered = await sendLinkEmail({
    to: account,
    organisationName: account.organisationName,
    ...passwordResetLink({
      organisationName: account.organisationName,
      sentByName: sentBy?.name ?? null,
      url: appUrl(passwordResetPath(created.token)),
    }),
  });
  if (!delivered) await revokeEmailLinks(db, { userId: account.id, purpose: PURPOSE }, now);
  await recordAuditEvent(db, {
    type: delivered ? "password_reset.sent" : "password_reset.undelivered",
    organisationId: account.organisationId,
    actorUserId: sentBy?.id ?? null,
    targetUserId: account.id,
    context: input.context,
    details: { by: sentBy ? "administrator" : "self_service" },
    at: now,
  });
  return delivered ? { ok: true } : { ok: false, reason: "delivery_failed" };
}

export type OpenReset =
  | { state: "live"; linkId: number; account: ResetAccount }
  /** Unknown, used, withdrawn or expired: the page says so and offers a new link. */
  | { state: "unusable"; expired: boolean };

/**
 * What a reset link lets its holder do, if anything. Only reads: opening the
 * page (as mail scanners do) never spends the link.
 */
export async function openPasswordReset(db: Db, token: string, now = new Date()): Promise<OpenReset> {
  const found = await lookUpEmailLink(db, PURPOSE, token, now);
  if (found.state !== "live") return { state: "unusable", expired: found.state === "expired" };
  const account = await resetAccountOfUser(db, found.link.organisationId, found.link.userId);
  // The account changed since the link was sent (disabled, made an API account): the link is dead.
  if (!account || account.eligibility !== "local") return { state: "unusable", expired: false };
  // The password was changed since (on the profile, say, after a sign-in with the old one): a link
  // asked for before then, perhaps by whoever prompted the change, must not undo it (ASVS 5.0 V7.4.3's
  // reasoning: a credential change ends what the old state handed out).
  if (account.passwordChangedAt && found.link.createdAt < account.passwordChangedAt)
    return { state: "unusable", expired: false };
  return { state: "live", linkId: found.link.id, account };
}

export type ResetResult =
  | { ok: true; account: ResetAccount; sessionsEnded: number }
  | { ok: false; reason: "unusable" }
  | { ok: false; reason: "weak_password"; problem: string };

/**
 * Sets the new password through a live link. The link is spent by a
 * conditional update in the same transaction as the password change, so of
 * any number of concurrent submissions exactly one changes the password.
 * Every session and remembered browser of the account ends: whoever knew the
 * old password may hold one (ASVS 5.0 V7.4.3).
 */
export async function resetPasswordWithLink(
  db: Db,
  input: { token: string; newPassword: string; context: RequestContext },
  now = new Date(),
): Promise<ResetResult> {
  // Checked before hashing, so that nobody without a live link makes the server run argon2.
  const opened = await openPasswordReset(db, input.token, now);
  if (opened.state !== "live") return { ok: false, reason: "unusable" };
  const { account } = opened;
  const problem = newPasswordProblem(input.newPassword, {
    email: account.email,
    name: account.name,
    organisationName: account.organisationName,
  });
  if (problem) return { ok: false, reason: "weak_password", problem };
  const passwordHash = await hashPassword(input.newPassword);
  const sessionsEnded = await db.transaction(
    async (tx) => {
      if (!(await consumeEmailLink(tx, opened.linkId, now))) return null;
      // The mailbox has just proved the password: until a sign-in completes, it cannot be the second factor too.
      await tx
        .update(users)
        .set({ passwordHash, passwordChangedAt: now, passwordResetByEmailAt: now })
        .where(eq(users.id, account.id));
      await revokeEmailLinks(tx, { userId: account.id, purpose: PURPOSE }, now);
      await forgetTrustedBrowsersOfUser(tx, account.id);
      return deleteSessionsOfUser(tx, account.id);
    },
    { behavior: "immediate" },
  );
  if (sessionsEnded === null) return { ok: false, reason: "unusable" };
  await recordAuditEvent(db, {
    type: "password_reset.completed",
    organisationId: account.organisationId,
    actorUserId: account.id,
    targetUserId: account.id,
    context: input.context,
    details: { sessionsEnded },
    at: now,
  });
  await notifyUser(
    account,
    { name: account.organisationName },
    passwordResetCompleted({
      organisationName: account.organisationName,
      passkeyNames: (await passkeysOfUser(db, account.id)).map((passkey) => passkey.name),
    }),
  );
  return { ok: true, account, sessionsEnded };
}
