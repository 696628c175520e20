"use server";

import { z } from "zod";
import { formAction } from "@/lib/action";
import { requirePermission } from "@/lib/auth/guards";
import { unlockSecondFactor } from "@/lib/data/admin-user-changes";
import { unchangedState } from "@/lib/flows/admin-change";
import { databaseId } from "@/lib/database-id";

/**
 * "Unlock": lifts the lock the cap of consecutive wrong codes set
 * (NIST SP 800-63B-4 §3.2.2), under the same permission and rank checks as
 * resetting two-factor authentication.
 */
export const unlockSecondFactorAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z.object({ user: databaseId() }),
  async handler(input, current) {
    const result = await unlockSecondFactor(current, input.user);
    if (!result.ok) return unchangedState(result);
    if (!result.wasLocked) return { status: "success", message: "The second step was not locked." };
    // No revalidatePath: the card would vanish with this answer (see SecondFactorUnlockForm).
    return { status: "success", message: "Unlocked. The user can sign in with their second step again." };
  },
});
