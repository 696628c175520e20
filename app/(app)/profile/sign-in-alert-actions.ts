"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireUser } from "@/lib/auth/guards";
import { saveOwnSignInAlerts } from "@/lib/data/profile";

/** "Email me when a new browser signs in to my account": the user's own choice, for their own account only. */
export const saveSignInAlertsAction = formAction({
  guard: requireUser,
  // Switching alerts off is what a thief with a stolen cookie would do first.
  sensitive: true,
  // An unchecked checkbox sends nothing.
  schema: z.object({ signInAlerts: z.literal("on").optional() }),
  async handler({ signInAlerts }, current) {
    const on = signInAlerts === "on";
    await saveOwnSignInAlerts(current, on);
    revalidatePath("/profile");
    return {
      status: "success",
      message: on ? "We will email you when a new browser signs in." : "Sign-in alerts are off.",
    };
  },
});
