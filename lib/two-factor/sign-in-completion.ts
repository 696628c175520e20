import "server-only";
import { getDb } from "@/db";
import { recordActorEvent } from "@/lib/audit";
import { setSessionCookie, setTrustedBrowserCookie } from "@/lib/auth/cookies";
import type { CurrentSession } from "@/lib/auth/guards";
import { takeNextPath } from "@/lib/auth/after-sign-in";
import { rotateSession } from "@/lib/auth/sessions";
import { rememberBrowser } from "@/lib/two-factor/trusted-browsers";

/**
 * The second factor passed (a code, a Duo prompt) or setup finished: the
 * half-signed-in session is replaced by a full one under a new id, and the
 * browser is remembered if the user asked. Returns where the browser goes
 * next: where the sign-in was headed, or /login when the session is gone.
 */
export async function completeSecondFactor(current: CurrentSession, remember: boolean): Promise<string> {
  const db = getDb();
  const rotated = rotateSession(db, current.session.tokenHash, { stage: "active", context: current.context });
  if (!rotated) return "/login";
  await setSessionCookie(rotated.token, rotated.expiresAt);
  if (remember) {
    const remembered = rememberBrowser(db, { userId: current.user.id, context: current.context });
    await setTrustedBrowserCookie(remembered.token, remembered.expiresAt);
    recordActorEvent(db, current, "trusted_browser.remembered", { targetUserId: current.user.id });
  }
  return takeNextPath();
}
