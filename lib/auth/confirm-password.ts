import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { FAILURE_LIMIT, FAILURE_WINDOW_MS, type LimitKey } from "@/lib/auth/attempt-limiter";
import { checkPassword } from "@/lib/auth/password-sign-in";
import { fieldError, messages } from "@/lib/messages";
import type { RequestContext } from "@/lib/request-context";

/** 10 wrong passwords in 15 minutes from a signed-in session, wherever it is used from. */
export function signedInPasswordKey(userId: number): LimitKey {
  return { scope: "account", key: `signed-in ${userId}`, limit: FAILURE_LIMIT, windowMs: FAILURE_WINDOW_MS };
}

/**
 * Re-checks the signed-in user's password before a sensitive change, under
 * the same failure limits as signing in. Returns the form error to show, or
 * null when the password is right.
 */
export async function confirmCurrentPassword(
  db: Db,
  user: { id: number; email: string },
  password: string,
  context: RequestContext,
  field = "currentPassword",
): Promise<FormState<never> | null> {
  const { passwordHash } = (
    await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id))
  )[0]!;
  // Signed in already: this browser completed a sign-in, so like a known browser it skips the
  // account-wide slow-down a stranger may have set off (its own per-address limit still applies).
  const check = await checkPassword(db, {
    email: user.email,
    ip: context.ip,
    passwordHash,
    password,
    knownBrowser: true,
    // But a stolen session cookie must not be a password oracle that only
    // per-address limits hold back: the signed-in user's own guesses are
    // counted across every address, where no stranger can reach them.
    ownKeys: [signedInPasswordKey(user.id)],
  });
  if (check.outcome === "throttled") {
    return { status: "error", message: messages.tooManyWrongPasswords(check.retryAt) };
  }
  if (check.outcome === "wrong") {
    return fieldError(field, "That is not your current password.");
  }
  return null;
}
