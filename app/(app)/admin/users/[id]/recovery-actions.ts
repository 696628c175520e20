"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { dismissRecoveryRequest } from "@/lib/data/admin-user-changes";
import { unchangedState } from "@/lib/flows/admin-change";
import { databaseId } from "@/lib/database-id";

const id = databaseId();

/**
 * "Dismiss request": the administrator could not confirm it was really the
 * user (or it was not them). Under the same permission and rank checks as
 * the reset it would otherwise lead to.
 */
export const dismissRecoveryRequestAction = formAction({
  guard: () => requirePermission("users:manage"),
  schema: z.object({ user: id, request: id }),
  async handler(input, current) {
    const result = await dismissRecoveryRequest(current, { userId: input.user, requestId: input.request });
    if (!result.ok)
      return result.reason === "not_pending"
        ? { status: "error", message: "That request is no longer pending." }
        : unchangedState(result);
    // No revalidatePath: the card would vanish with this answer (see RecoveryRequestDismissForm).
    return { status: "success", message: "The request was dismissed. The user can ask again if they still need help." };
  },
});
