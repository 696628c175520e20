import "server-only";
import { getDb } from "@/db";
import type { CurrentSession } from "@/lib/auth/guards";
import { rolesOfUser } from "@/lib/auth/permissions";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";
import type { Requirement } from "@/lib/two-factor/policy/requirement";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";
import { recoveryCodeSupply } from "@/lib/two-factor/recovery-codes/codes";

/** What the dashboard shows of the signed-in user, beyond what comes with the session. */
export type Dashboard = {
  roleNames: string[];
  requirement: Requirement;
  methods: SecondFactorMethod[];
  hasFactor: boolean;
  recoveryCodes: { left: number; runningLow: boolean };
};

export async function dashboardOf(current: CurrentSession): Promise<Dashboard> {
  const db = getDb();
  const userId = current.user.id;
  // One query answers both what the rule requires of the user and which factors they can use.
  const { requirement, methods, hasFactor } = await twoFactorStateOfUser(db, userId);
  const { left, runningLow } = await recoveryCodeSupply(db, userId);
  return {
    roleNames: (await rolesOfUser(db, userId)).map((role) => role.name),
    requirement,
    methods,
    hasFactor,
    recoveryCodes: { left, runningLow },
  };
}

/** How many unused recovery codes the signed-in user has left. */
export async function ownRecoveryCodesLeft(current: CurrentSession): Promise<number> {
  return (await recoveryCodeSupply(getDb(), current.user.id)).left;
}
