import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { adminResetRefusal, issuePasswordResetLink, resetAccountOfUser } from "@/lib/auth/password-reset";
import { adminTarget } from "@/lib/flows/admin-change";
import type { EmailLinkSendLimits } from "@/lib/email-links";
import { sendAuthenticatorSetupLink, setupLinkEligibility } from "@/lib/two-factor/authenticator-app/setup-link";

/* Links an administrator emails to a user: a password reset, an authenticator setup. The admin learns where it went, never the link. */

export type LinkNotSent =
  | { ok: false; reason: "not_found" }
  /** Why this user cannot be sent the link, in words for the admin. */
  | { ok: false; reason: "refused"; message: string }
  | { ok: false; reason: "delivery_failed"; email: string }
  | { ok: false; reason: "too_soon"; email: string; retryAt: Date };

/**
 * "Send password reset link": the same single-use link as /login/forgot. The
 * administrator never sets or sees a password (ASVS 5.0 V6.4.6), and the
 * user's second factor stays as it is.
 */
export async function sendPasswordResetLink(
  current: CurrentSession,
  userId: number,
): Promise<{ ok: true; email: string } | LinkNotSent> {
  const db = getDb();
  // Another organisation's user is not found; one who outranks the actor is refused (403, audited).
  if (!(await adminTarget(current, userId, "password_reset.send", { ownAccount: "allow" })))
    return { ok: false, reason: "not_found" };
  const account = await resetAccountOfUser(db, current.organisation.id, userId);
  if (!account) return { ok: false, reason: "not_found" };
  const refusal = adminResetRefusal(account);
  if (refusal) return { ok: false, reason: "refused", message: refusal };
  const sent = await issuePasswordResetLink(db, { account, context: current.context, sentBy: current.user });
  if (sent.ok) return { ok: true, email: account.email };
  if (sent.reason === "delivery_failed") return { ok: false, reason: "delivery_failed", email: account.email };
  return { ok: false, reason: "too_soon", email: account.email, retryAt: sent.retryAt ?? new Date() };
}

/**
 * "Send setup link": a link to set up an authenticator app; a new one
 * replaces any earlier one. With `limits` (bulk sends' replay window), none
 * is sent, and nothing recorded, when they refuse.
 */
export async function sendSetupLink(
  current: CurrentSession,
  userId: number,
  options: { limits?: EmailLinkSendLimits } = {},
): Promise<{ ok: true; email: string } | Exclude<LinkNotSent, { reason: "not_found" }>> {
  const db = getDb();
  // Outranking users are refused here; the eligibility below answers the rest, other organisations' users included.
  await adminTarget(current, userId, "setup_link.send", { ownAccount: "allow" });
  const eligibility = await setupLinkEligibility(db, current.organisation.id, userId);
  if (!eligibility.ok) return { ok: false, reason: "refused", message: eligibility.reason };
  const { user } = eligibility;
  const sent = await sendAuthenticatorSetupLink(db, {
    user,
    organisationName: current.organisation.name,
    admin: current.user,
    limits: options.limits,
  });
  if (!sent.ok && sent.reason !== "delivery_failed")
    return { ok: false, reason: "too_soon", email: user.email, retryAt: sent.retryAt };
  await recordActorEvent(db, current, sent.ok ? "setup_link.sent" : "setup_link.undelivered", {
    targetUserId: user.id,
    details: { purpose: "authenticator_setup" },
  });
  return sent.ok ? { ok: true, email: user.email } : { ok: false, reason: "delivery_failed", email: user.email };
}
