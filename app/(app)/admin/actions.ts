"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { recountAdoption } from "@/lib/data/adoption";
import { OVERVIEW_MESSAGES } from "@/lib/messages";

/** "Recount now" on /admin: a large organisation's summary counted again at once (whoever may read the overview). */
export const recountAdoptionAction = formAction({
  guard: () => requirePermission("users:read"),
  schema: z.object({}),
  async handler(_input, current) {
    if (!(await recountAdoption(current))) return { status: "error", message: OVERVIEW_MESSAGES.recountedRecently };
    revalidatePath("/admin");
    return { status: "success", message: OVERVIEW_MESSAGES.recounted };
  },
});
