import "server-only";
import { redirect } from "next/navigation";
import { eq } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { setSessionCookie, setTrustedBrowserCookie } from "@/lib/flows/session-cookies";
import type { CurrentSession } from "@/lib/auth/guards";
import { noteFullSignIn } from "@/lib/flows/full-sign-in";
import type { SignInCompletion } from "@/lib/auth/sign-in-completed";
import { takeNextPath } from "@/lib/flows/return-path-cookie";
import { NEVER_REAUTHENTICATED } from "@/lib/auth/recent-authentication";
import { rotateSession } from "@/lib/auth/sessions";
import { rememberBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { setupDone, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

/**
 * The second factor passed (a code, a Duo prompt) or setup finished: the
 * half-signed-in session is replaced by a full one under a new id, and the
 * browser is remembered if the user asked. Returns where the browser goes
 * next: where the sign-in was headed, or /login when the session is gone.
 */
export async function completeSecondFactor(
  current: CurrentSession,
  remember: boolean,
  /** False when the organisation let a Duo bypass in: signed in, but it never counts as a recent re-authentication. */
  secondFactorProven = true,
  /** For the audit log: how the sign-in completed, and with which factor. */
  completion: { via: SignInCompletion; method?: string } = { via: "second_factor" },
): Promise<string> {
  const db = getDb();
  const rotated = await rotateSession(db, current.session.tokenHash, {
    stage: "active",
    context: current.context,
    ...(secondFactorProven ? {} : { authenticatedAt: NEVER_REAUTHENTICATED }),
  });
  if (!rotated) return "/login";
  // A sign-in completed: emailed codes are a second factor again (see signInCodePlan).
  await db.update(users).set({ passwordResetByEmailAt: null }).where(eq(users.id, current.user.id));
  await setSessionCookie(rotated.token, rotated.expiresAt);
  await noteFullSignIn(db, { userId: current.user.id, context: current.context, ...completion });
  if (remember) {
    const remembered = await rememberBrowser(db, { userId: current.user.id, context: current.context });
    await setTrustedBrowserCookie(remembered.token, remembered.expiresAt);
    await recordActorEvent(db, current, "trusted_browser.remembered", { targetUserId: current.user.id });
  }
  return takeNextPath();
}

/**
 * Setup finished or skipped: the half-signed-in session becomes a full one,
 * under a new id, and the browser goes where the sign-in was headed.
 * "Finished" is the policy's word, never the caller's: without a factor the
 * policy accepts (setupDone), the session stays in setup and nothing of a
 * completed sign-in happens (no "last sign-in", no alert, no audit event), so
 * posting "I have saved my recovery codes" with only the password gets nowhere.
 */
export async function completeSignIn(
  current: CurrentSession,
  via: Extract<SignInCompletion, "setup" | "setup_skipped"> = "setup",
): Promise<never> {
  if (via === "setup" && !setupDone(await twoFactorStateOfUser(getDb(), current.user.id))) redirect("/login/setup");
  redirect(await completeSecondFactor(current, false, true, { via }));
}

/** "Skip for now", from the on-screen or the emailed-link setup: only within the grace period. */
export async function skipSetupDuringGrace(current: CurrentSession): Promise<FormState> {
  const { requirement } = await twoFactorStateOfUser(getDb(), current.user.id);
  if (requirement.level !== "required" || !requirement.graceUntil) {
    return {
      status: "error",
      message: "Your organisation requires two-factor authentication now: set it up to continue.",
    };
  }
  await recordActorEvent(getDb(), current, "two_factor_setup.skipped", { targetUserId: current.user.id });
  return completeSignIn(current, "setup_skipped");
}
