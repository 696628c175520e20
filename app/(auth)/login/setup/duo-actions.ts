"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireSession } from "@/lib/auth/guards";
import { redirectToDuoPrompt } from "@/lib/flows/duo-prompt";

/** "Set up Duo" at sign-in: enrolment happens inside Duo; a completed prompt turns Duo on and finishes the sign-in. */
export const startDuoSetupAction = formAction({
  guard: () => requireSession("setup"),
  schema: z.object({}),
  handler: (_input, current) => redirectToDuoPrompt(current, "enrol"),
});
