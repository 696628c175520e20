import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { RecoveryCodesRegenerateForm } from "@/app/(app)/profile/_components/recovery-codes-regenerate-form";
import { RecoveryCodesLowNotice } from "@/components/recovery-codes-low-notice";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { FEW_RECOVERY_CODES_LEFT, RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes/codes";

function stateOf({ hasAuthenticator, hasPasskey, recoveryCodesLeft }: OwnTwoFactor): MethodState {
  if (!hasAuthenticator && !hasPasskey) return { label: "Not set up", tone: "off" };
  if (recoveryCodesLeft === 0) return { label: "None left", tone: "partial" };
  return recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT
    ? { label: "Running low", tone: "partial" }
    : { label: "Configured", tone: "on" };
}

/** "Recovery codes": how many are left, and a new set. They come with an authenticator app or a first passkey. */
export function RecoveryCodesRow({ twoFactor }: { twoFactor: OwnTwoFactor }) {
  const { hasAuthenticator, hasPasskey, recoveryCodesLeft } = twoFactor;
  const issued = hasAuthenticator || hasPasskey;
  return (
    <MethodRow
      name="Recovery codes"
      state={stateOf(twoFactor)}
      description={
        issued ? (
          <>
            <p>
              Each signs you in once when you cannot use your {hasAuthenticator ? "app" : "passkey"}.{" "}
              {recoveryCodesLeft} of {RECOVERY_CODE_COUNT} recovery codes left.
            </p>
            {recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT ? <RecoveryCodesLowNotice left={recoveryCodesLeft} /> : null}
          </>
        ) : (
          <p>You get them with an authenticator app or a passkey: they sign you in if you lose it.</p>
        )
      }
    >
      {issued ? <RecoveryCodesRegenerateForm withPasskey={!hasAuthenticator} /> : null}
    </MethodRow>
  );
}
