"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import { minutesUntil } from "@/lib/auth/attempt-limiter";
import { clearSessionCookie, setSessionCookie, setTrustedBrowserCookie } from "@/lib/auth/cookies";
import { requireSession } from "@/lib/auth/guards";
import { rotateSession } from "@/lib/auth/sessions";
import { getEnv } from "@/lib/env";
import { notifyUser } from "@/lib/messaging/notify";
import { verifySecondFactor } from "@/lib/two-factor/challenge";
import { rememberBrowser } from "@/lib/two-factor/trusted-browsers";

const challengeSchema = z.object({
  code: z
    .string()
    .trim()
    .min(1, { error: "Enter the code from your authenticator app, or a recovery code." })
    // Longer than any code with spaces: not worth verifying, and no attempt is spent on it.
    .max(64, { error: "That code is not valid." }),
  remember: z.literal("on").optional(),
});

export const verifySecondFactorAction = formAction({
  guard: () => requireSession("password"),
  schema: challengeSchema,
  async handler({ code, remember }, current) {
    const { user, organisation, session, context } = current;
    const db = getDb();
    const result = await verifySecondFactor(db, {
      user,
      sessionTokenHash: session.tokenHash,
      code,
      key: getEnv().APP_ENCRYPTION_KEY,
      context,
    });
    if (result.outcome !== "verified" && result.outcome !== "locked" && result.lockedUntil) {
      // Someone knows the password and is guessing codes: the owner should know.
      await notifyUser(user, organisation, {
        subject: "failed sign-in attempts",
        heading: "Someone is trying to sign in to your account",
        paragraphs: [
          "Your password was entered correctly, then the two-factor code was wrong 10 times, so the second step is locked for 15 minutes.",
          "If this was not you, change your password now.",
        ],
      });
    }

    switch (result.outcome) {
      case "locked": {
        const minutes = minutesUntil(result.retryAt);
        return { status: "error", message: `Too many wrong codes. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.` };
      }
      case "wrong":
        return {
          status: "error",
          message: "Please correct the highlighted field.",
          fieldErrors: {
            code: `That code is not valid. ${result.attemptsLeft} attempt${result.attemptsLeft === 1 ? "" : "s"} left.`,
          },
        };
      case "session_ended":
        await clearSessionCookie();
        redirect("/login?reason=too-many-codes");
    }

    const rotated = rotateSession(db, session.tokenHash, { stage: "active", context });
    if (!rotated) redirect("/login");
    await setSessionCookie(rotated.token, rotated.expiresAt);
    if (remember) {
      const remembered = rememberBrowser(db, { userId: user.id, context });
      await setTrustedBrowserCookie(remembered.token, remembered.expiresAt);
      recordActorEvent(db, current, "trusted_browser.remembered", { targetUserId: user.id });
    }
    redirect("/");
  },
});
