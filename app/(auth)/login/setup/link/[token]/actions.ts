"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { setSessionCookie } from "@/lib/flows/session-cookies";
import { requireSession } from "@/lib/auth/guards";
import { spendSignInSetupLink } from "@/lib/data/required-setup";
import { EMAIL_LINK_TOKEN_MAX_LENGTH } from "@/lib/email-links";

/**
 * The emailed link, opened in the session it was sent for: spent once, and
 * the session moves on to the on-screen setup, under a new id.
 */
export const continueWithSetupLinkAction = formAction({
  guard: () => requireSession("email_setup"),
  schema: z.object({ token: z.string().min(1).max(EMAIL_LINK_TOKEN_MAX_LENGTH) }),
  async handler({ token }, current) {
    const spent = await spendSignInSetupLink(current, token);
    if (!spent.ok) {
      switch (spent.reason) {
        case "other_session":
          return { status: "error", message: "Open this link in the browser where you signed in." };
        case "invalid":
          return { status: "error", message: "This link no longer works. Go back and send a new one." };
        case "just_used":
          return { status: "error", message: "This link has just been used." };
        default:
          redirect("/login");
      }
    }
    await setSessionCookie(spent.token, spent.expiresAt);
    redirect("/login/setup");
  },
});
