import type { Db } from "@/db";
import { passkeysPermitted } from "@/lib/two-factor/policy/methods";
import { twoFactorStateOfUser } from "@/lib/two-factor/policy/user-state";

/*
 * "May this user use passkeys and security keys", asked from the database:
 * the one rule (passkeysPermitted) applied to the user's two-factor state.
 * Registration on /profile and at required setup, the second step,
 * passwordless sign-in and /confirm-access all ask this, so none of them can
 * disagree with the methods rule (usableMethods) the sign-in enforces.
 */
export async function userMayUsePasskeys(db: Db, userId: number, now = new Date()): Promise<boolean> {
  return passkeysPermitted(await twoFactorStateOfUser(db, userId, now));
}
