import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { users } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { waitText } from "@/lib/auth/attempt-limiter";
import { checkPassword } from "@/lib/auth/password-sign-in";
import type { RequestContext } from "@/lib/request-context";

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
  const { passwordHash } = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id)).get()!;
  // Signed in already: this browser completed a sign-in, so like a known browser it skips the
  // account-wide slow-down a stranger may have set off (its own per-address limit still applies).
  const check = await checkPassword(db, { email: user.email, ip: context.ip, passwordHash, password, knownBrowser: true });
  if (check.outcome === "throttled") {
    return { status: "error", message: `Too many wrong passwords. Try again in ${waitText(check.retryAt)}.` };
  }
  if (check.outcome === "wrong") {
    return { status: "error", message: "Please correct the highlighted fields.", fieldErrors: { [field]: "That is not your current password." } };
  }
  return null;
}
