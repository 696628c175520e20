import type { Db } from "@/db";
import type { SessionStage } from "@/db/schema";
import { isTrustedBrowser } from "@/lib/two-factor/sign-in/trusted-browsers";
import { phishingResistantOnly } from "@/lib/two-factor/policy/methods";
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
  const { requirement, hasFactor, lostOwnFactor, setupStage, refusedMethods } = await twoFactorStateOfUser(
    db,
    userId,
    now,
  );
  await recordRequiredSince(db, userId, requirement, now);
  if (requirement.level === "disabled" || requirement.level === "exempt")
    return { stage: "active", rememberedBrowser: false };
  // A remembered browser may have been remembered after a code: it does not stand in for a passkey.
  const strict = phishingResistantOnly(requirement);
  if (hasFactor) {
    if (!strict && (await isTrustedBrowser(db, userId, trustedBrowserToken, now)))
      return { stage: "active", rememberedBrowser: true };
    return { stage: "password", rememberedBrowser: false };
  }
  // Phishing-resistant only, with factors it refuses and no passkey yet: the second step
  // (where a recovery code still works) rather than setup, which a password alone would
  // reach: a new factor is bound only after the existing ones are proven (NIST SP 800-63B-4 §4.1.2.1).
  if (refusedMethods.length > 0) return { stage: "password", rememberedBrowser: false };
  return { stage: requirement.level === "required" || lostOwnFactor ? setupStage : "active", rememberedBrowser: false };
}
