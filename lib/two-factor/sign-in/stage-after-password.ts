import type { Db } from "@/db";
import type { SessionStage } from "@/db/schema";
import { isTrustedBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { recordRequiredSince, twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

export type StageAfterPassword = { stage: SessionStage; rememberedBrowser: boolean };

/**
 * Where a correct password leaves a user: owing a code (they have a factor),
 * owing a setup (2FA is required and they have none; within a grace period
 * they may skip it; on screen or first through an emailed link, as their
 * organisation chose), or fully signed in (2FA disabled for them, optional and
 * not set up, or a browser they asked us to remember).
 */
export async function stageAfterPassword(
  db: Db,
  userId: number,
  trustedBrowserToken: string | null,
  now = new Date(),
): Promise<StageAfterPassword> {
  const { requirement, hasFactor, lostOwnFactor, setupStage } = await twoFactorStateOfUser(db, userId, now);
  await recordRequiredSince(db, userId, requirement, now);
  if (requirement.level === "disabled" || requirement.level === "exempt")
    return { stage: "active", rememberedBrowser: false };
  if (hasFactor) {
    if (await isTrustedBrowser(db, userId, trustedBrowserToken, now))
      return { stage: "active", rememberedBrowser: true };
    return { stage: "password", rememberedBrowser: false };
  }
  return { stage: requirement.level === "required" || lostOwnFactor ? setupStage : "active", rememberedBrowser: false };
}
