import type { Db } from "@/db";
import { hasConfirmedAuthenticator } from "@/lib/two-factor/authenticator";
import { remainingRecoveryCodes } from "@/lib/two-factor/recovery-codes";

export type TwoFactorStatus = { enabled: boolean; methods: Array<"totp">; recoveryCodesLeft: number };

/** Which second factors a user has confirmed, for the dashboard and profile. */
export function twoFactorStatus(db: Db, userId: number): TwoFactorStatus {
  const methods: Array<"totp"> = hasConfirmedAuthenticator(db, userId) ? ["totp"] : [];
  return { enabled: methods.length > 0, methods, recoveryCodesLeft: methods.length ? remainingRecoveryCodes(db, userId) : 0 };
}
