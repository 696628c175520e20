import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { RecoveryCodesRegenerateForm } from "@/app/(app)/profile/_components/recovery-codes-regenerate-form";
import { RecoveryCodesLowNotice } from "@/components/recovery-codes-low-notice";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { FEW_RECOVERY_CODES_LEFT, RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes/codes";

function stateOf({ hasAuthenticator, recoveryCodesLeft }: OwnTwoFactor): MethodState {
  if (!hasAuthenticator) return { label: "Not set up", tone: "off" };
  if (recoveryCodesLeft === 0) return { label: "None left", tone: "partial" };
  return recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT
    ? { label: "Running low", tone: "partial" }
    : { label: "Configured", tone: "on" };
}

/** "Recovery codes": how many are left, and a new set. They come with an authenticator app. */
export function RecoveryCodesRow({ twoFactor }: { twoFactor: OwnTwoFactor }) {
  const { hasAuthenticator, recoveryCodesLeft } = twoFactor;
  return (
    <MethodRow
      name="Recovery codes"
      state={stateOf(twoFactor)}
      description={
        hasAuthenticator ? (
          <>
            <p>
              Each signs you in once when you cannot use your app. {recoveryCodesLeft} of {RECOVERY_CODE_COUNT} recovery
              codes left.
            </p>
            {recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT ? <RecoveryCodesLowNotice left={recoveryCodesLeft} /> : null}
          </>
        ) : (
          <p>You get them with an authenticator app: they sign you in if you lose it.</p>
        )
      }
    >
      {hasAuthenticator ? <RecoveryCodesRegenerateForm /> : null}
    </MethodRow>
  );
}
