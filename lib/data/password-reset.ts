import "server-only";
import { getDb } from "@/db";
import {
  openPasswordReset,
  requestPasswordReset,
  resetPasswordWithLink,
  type ResetRequestOutcome,
} from "@/lib/auth/password-reset";
import type { RequestContext } from "@/lib/request-context";

/* "Forgot your password?": the emailed link is the credential, and it grants only a new password, never a session. */

/** Asks for a link; the same answer whether or not the address has an account (`deliver` runs after the answer). */
export async function requestPasswordResetLink(email: string, context: RequestContext): Promise<ResetRequestOutcome> {
  return requestPasswordReset(getDb(), { email, context });
}

export type PasswordResetLinkView =
  | { state: "live"; account: { email: string; name: string; organisationName: string } }
  | { state: "unusable"; expired: boolean };

/** What a reset link lets its holder do; only reads (mail scanners open links). */
export async function viewPasswordResetLink(token: string): Promise<PasswordResetLinkView> {
  const opened = await openPasswordReset(getDb(), token);
  if (opened.state !== "live") return opened;
  const { email, name, organisationName } = opened.account;
  return { state: "live", account: { email, name, organisationName } };
}

export type PasswordResetResult =
  { ok: true } | { ok: false; reason: "unusable" } | { ok: false; reason: "weak_password"; problem: string };

/** Sets the new password through a live link, which it spends; every session of the account ends. */
export async function resetPasswordThroughLink(
  token: string,
  newPassword: string,
  context: RequestContext,
): Promise<PasswordResetResult> {
  const result = await resetPasswordWithLink(getDb(), { token, newPassword, context });
  return result.ok ? { ok: true } : result;
}
