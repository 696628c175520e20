"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { requireSession } from "@/lib/auth/guards";
import { requestRecoveryFlow } from "@/lib/flows/recovery-request";

/**
 * "I can't use any of my methods": only a half-signed-in session (the
 * password was right) may ask, and the request grants nothing by itself.
 */
export const requestRecoveryAction = formAction({
  guard: () => requireSession("password"),
  schema: z.object({}),
  async handler(_input, current) {
    const answer = await requestRecoveryFlow(current);
    // The page shows what happens next from the pending request it reads.
    if (answer.status === "success") revalidatePath("/login/two-factor");
    return answer;
  },
});
