import type { Db } from "@/db";
import type { SecondFactorMethod } from "@/lib/two-factor/policy/methods";
import { remainingRecoveryCodes } from "@/lib/two-factor/recovery-codes/codes";
import { twoFactorStateOfUser, type UserTwoFactorState } from "@/lib/two-factor/policy/user-state";

export type TwoFactorStatus = UserTwoFactorState & {
  enabled: boolean;
  /** Whether "Disable two-factor authentication" has anything of the user's own to remove. */
  canDisable: boolean;
  recoveryCodesLeft: number;
};

/** Which second factors a user has and can use, for the dashboard and profile. */
export async function twoFactorStatus(db: Db, userId: number): Promise<TwoFactorStatus> {
  const state = await twoFactorStateOfUser(db, userId);
  return {
    ...state,
    enabled: state.hasFactor,
    canDisable: state.hasAuthenticator || state.codesTurnedOn || state.duoTurnedOn,
    // Codes come with an authenticator app, and with a first passkey (recoveryCodesForFirstPasskey).
    recoveryCodesLeft: state.hasAuthenticator || state.hasPasskey ? await remainingRecoveryCodes(db, userId) : 0,
  };
}

const METHOD_PHRASES: Record<SecondFactorMethod, string> = {
  totp: "you enter a code from your authenticator app",
  code: "you enter a code we send by text message or email",
  duo: "you approve the sign-in in Duo",
  passkey: "you use a passkey or security key",
};

/** "you enter a code from your authenticator app or you approve the sign-in in Duo". */
export function describeMethods(methods: SecondFactorMethod[]): string {
  return methods.map((method) => METHOD_PHRASES[method]).join(" or ");
}
