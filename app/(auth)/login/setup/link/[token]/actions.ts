"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { setSessionCookie } from "@/lib/flows/session-cookies";
import { requireSession } from "@/lib/auth/guards";
import { rotateSession } from "@/lib/auth/sessions";
import { consumeEmailLink, EMAIL_LINK_TOKEN_MAX_LENGTH } from "@/lib/email-links";
import { checkSignInSetupLink } from "@/lib/two-factor/required-setup/email-setup-link";

/**
 * The emailed link, opened in the session it was sent for: spent once, and
 * the session moves on to the on-screen setup, under a new id.
 */
export const continueWithSetupLinkAction = formAction({
  guard: () => requireSession("email_setup"),
  schema: z.object({ token: z.string().min(1).max(EMAIL_LINK_TOKEN_MAX_LENGTH) }),
  async handler({ token }, current) {
    const db = getDb();
    const check = checkSignInSetupLink(db, token, { userId: current.user.id, tokenHash: current.session.tokenHash });
    if (!check.ok) {
      return check.reason === "other_session"
        ? { status: "error", message: "Open this link in the browser where you signed in." }
        : { status: "error", message: "This link no longer works. Go back and send a new one." };
    }
    if (!consumeEmailLink(db, check.link.id)) return { status: "error", message: "This link has just been used." };
    recordActorEvent(db, current, "setup_link.used", { targetUserId: current.user.id, details: { purpose: "sign_in_setup" } });
    const rotated = rotateSession(db, current.session.tokenHash, { stage: "setup", context: current.context });
    if (!rotated) redirect("/login");
    await setSessionCookie(rotated.token, rotated.expiresAt);
    redirect("/login/setup");
  },
});
