"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireSession } from "@/lib/auth/guards";
import { redirectToDuoPrompt } from "@/lib/flows/duo-prompt";
import { hasDuo } from "@/lib/data/sign-in";

/** "Continue with Duo": the prompt, carrying the "Remember this browser" choice in the stored state. */
export const continueWithDuoAction = formAction({
  guard: () => requireSession("password"),
  schema: z.object({ remember: z.literal("on").optional() }),
  async handler({ remember }, current) {
    if (!(await hasDuo(current))) {
      return { status: "error", message: "Duo is not one of your sign-in methods." };
    }
    return redirectToDuoPrompt(current, "sign_in", Boolean(remember));
  },
});
