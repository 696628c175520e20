import "server-only";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { confirmCurrentPassword } from "@/lib/auth/confirm-password";
import type { CurrentSession } from "@/lib/auth/guards";
import { markReauthenticated } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { checkSecondFactorCode, confirmationMethod } from "@/lib/two-factor/challenge";
import { twoFactorStateOfUser } from "@/lib/two-factor/user-requirement";

/**
 * Whether the user has a factor they can prove here with a code. A user with
 * a factor always needs it: the password alone never re-authenticates them
 * (NIST SP 800-63B-4 §2.2.3: re-authentication at AAL2 uses both factors,
 * or the bound authenticator; ASVS 5.0 V7.5.3).
 */
export function confirmationNeeds(userId: number): { code: boolean; duoOnly: boolean } {
  const { hasFactor, methods } = twoFactorStateOfUser(getDb(), userId);
  return { code: hasFactor, duoOnly: hasFactor && methods.length > 0 && methods.every((method) => method === "duo") };
}

/** "Confirm access": the password, then a current second factor when the user has one. */
export async function confirmAccess(current: CurrentSession, input: { password: string; code: string }): Promise<FormState | null> {
  const db = getDb();
  const failed = (reason: string, refusal: FormState): FormState => {
    recordActorEvent(db, current, "access.confirmation_failed", { targetUserId: current.user.id, details: { reason } });
    return refusal;
  };
  const passwordRefusal = await confirmCurrentPassword(db, current.user, input.password, current.context, "password");
  if (passwordRefusal) return failed("password", passwordRefusal);

  if (confirmationNeeds(current.user.id).code) {
    if (!input.code) {
      return { status: "error", message: "Please correct the highlighted fields.", fieldErrors: { code: "Enter a code." } };
    }
    const check = await checkSecondFactorCode(db, {
      userId: current.user.id,
      code: input.code,
      method: confirmationMethod(db, current.user.id, current.session.tokenHash),
      sessionTokenHash: current.session.tokenHash,
      key: getEnv().APP_ENCRYPTION_KEY,
    });
    if (check.outcome === "locked") {
      return failed("locked", { status: "error", message: `Too many wrong codes. Try again in ${minutesUntil(check.retryAt)} minutes.` });
    }
    if (check.outcome === "wrong") {
      const problem = check.codeProblem === "expired" ? "That code has expired: send a new one." : "That code is not valid.";
      return failed("code", { status: "error", message: "Please correct the highlighted fields.", fieldErrors: { code: problem } });
    }
  }
  markReauthenticated(db, current.session.tokenHash);
  recordActorEvent(db, current, "access.confirmed", { targetUserId: current.user.id });
  return null;
}
