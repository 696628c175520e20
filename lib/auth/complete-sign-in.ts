import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "@/db";
import type { FormState } from "@/lib/action";
import { recordActorEvent } from "@/lib/audit";
import type { CurrentSession } from "@/lib/auth/guards";
import { completeSecondFactor } from "@/lib/two-factor/sign-in-completion";
import { twoFactorStateOfUser } from "@/lib/two-factor/user-requirement";

/**
 * Setup finished or skipped: the half-signed-in session becomes a full one,
 * under a new id, and the browser goes where the sign-in was headed.
 */
export async function completeSignIn(current: CurrentSession): Promise<never> {
  redirect(await completeSecondFactor(current, false));
}

/** "Skip for now", from the on-screen or the emailed-link setup: only within the grace period. */
export async function skipSetupDuringGrace(current: CurrentSession): Promise<FormState> {
  const { requirement } = twoFactorStateOfUser(getDb(), current.user.id);
  if (requirement.level !== "required" || !requirement.graceUntil) {
    return { status: "error", message: "Your organisation requires two-factor authentication now: set it up to continue." };
  }
  recordActorEvent(getDb(), current, "two_factor.setup_skipped", { targetUserId: current.user.id });
  return completeSignIn(current);
}
