import { confirmEnrolmentAction, startEnrolmentAction } from "@/app/(app)/profile/two-factor-actions";
import { RecoveryCodesRegenerateForm } from "@/app/(app)/profile/_components/recovery-codes-regenerate-form";
import { RecoveryCodesLowNotice } from "@/components/recovery-codes-low-notice";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { FEW_RECOVERY_CODES_LEFT, RECOVERY_CODE_COUNT } from "@/lib/two-factor/recovery-codes/codes";

/** "Authenticator app": set up (with its recovery codes), or the way to set one up when the organisation allows it. */
export function AuthenticatorAppSection({ twoFactor }: { twoFactor: OwnTwoFactor }) {
  return (
    <div className="space-y-3">
      <h3 className="text-sm font-semibold text-slate-900">Authenticator app</h3>
      {twoFactor.hasAuthenticator ? (
        <>
          {twoFactor.recoveryCodesLeft <= FEW_RECOVERY_CODES_LEFT ? (
            <RecoveryCodesLowNotice left={twoFactor.recoveryCodesLeft} />
          ) : null}
          <p className="text-sm text-slate-600">
            Set up. {twoFactor.recoveryCodesLeft} of {RECOVERY_CODE_COUNT} recovery codes left.
            {twoFactor.allowTotp
              ? ""
              : " Your organisation no longer allows new authenticator apps; yours keeps working."}
          </p>
          <RecoveryCodesRegenerateForm />
        </>
      ) : twoFactor.allowTotp ? (
        <TwoFactorEnableForm
          startAction={startEnrolmentAction}
          confirmAction={confirmEnrolmentAction}
          askPassword
          label={twoFactor.enabled ? "Set up an authenticator app" : "Enable two-factor authentication"}
        />
      ) : (
        <p className="text-sm text-slate-600">Your organisation does not allow authenticator apps.</p>
      )}
    </div>
  );
}
