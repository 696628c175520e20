"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { adminTarget, changeAsActor } from "@/lib/flows/admin-change";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { notifyUser } from "@/lib/messaging/notify";
import { clearFactorFailures } from "@/lib/two-factor/sign-in/factor-lock";

/**
 * "Unlock": lifts the lock the cap of consecutive wrong codes set
 * (NIST SP 800-63B-4 §3.2.2), under the same permission and rank checks as
 * resetting two-factor authentication.
 */
export const unlockSecondFactorAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z.object({ user: z.coerce.number().int().positive() }),
  async handler(input, current) {
    // Your own second step is unlocked with one of your recovery codes.
    const target = adminTarget(current, input.user, "two_factor.unlock", { ownAccount: "refuse" });
    if (!target) return { status: "error", message: "That user does not exist." };
    const outcome = changeAsActor(current, "two_factor.unlock", {
      affected: { userIds: [target.id] },
      change: (tx) => clearFactorFailures(tx, target.id),
    });
    if (!outcome.ok) return outcome.state;
    const cleared = outcome.value;
    if (!cleared) return { status: "success", message: "The second step was not locked." };
    recordActorEvent(getDb(), current, "two_factor.unlocked", { targetUserId: target.id, details: { by: "administrator", failures: cleared.failures } });
    // Template "SecondFactorUnlocked".
    await notifyUser(target, current.organisation, {
      subject: "your second sign-in step was unlocked",
      heading: "Your second sign-in step was unlocked",
      paragraphs: [`${current.user.name} unlocked the second step of your sign-in. Your authenticator app, codes and Duo work again.`],
    });
    // No revalidatePath: the card would vanish with this answer (see SecondFactorUnlockForm).
    return { status: "success", message: "Unlocked. The user can sign in with their second step again." };
  },
});
