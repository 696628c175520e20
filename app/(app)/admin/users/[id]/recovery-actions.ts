"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { formAction } from "@/lib/action";
import { adminTarget, changeAsActor } from "@/lib/flows/admin-change";
import { recordActorEvent } from "@/lib/audit";
import { requirePermission } from "@/lib/auth/guards";
import { dismissPendingRequest } from "@/lib/recovery/requests";

const id = z.coerce.number().int().positive();

/**
 * "Dismiss request": the administrator could not confirm it was really the
 * user (or it was not them). Under the same permission and rank checks as
 * the reset it would otherwise lead to.
 */
export const dismissRecoveryRequestAction = formAction({
  guard: () => requirePermission("users:manage"),
  schema: z.object({ user: id, request: id }),
  async handler(input, current) {
    // Your own request is for another administrator to answer.
    const target = adminTarget(current, input.user, "recovery_request.dismiss", { ownAccount: "refuse" });
    if (!target) return { status: "error", message: "That user does not exist." };
    const outcome = changeAsActor(current, "recovery_request.dismiss", {
      affected: { userIds: [target.id] },
      // Scoped to this user in this organisation: another request id dismisses nothing.
      change: (tx) => dismissPendingRequest(tx, { organisationId: current.organisation.id, userId: target.id, requestId: input.request, closedByUserId: current.user.id }),
    });
    if (!outcome.ok) return outcome.state;
    if (!outcome.value) return { status: "error", message: "That request is no longer pending." };
    recordActorEvent(getDb(), current, "recovery_request.dismissed", { targetUserId: target.id, details: { requestId: outcome.value.id } });
    // No revalidatePath: the card would vanish with this answer (see RecoveryRequestDismissForm).
    return { status: "success", message: "The request was dismissed. The user can ask again if they still need help." };
  },
});
