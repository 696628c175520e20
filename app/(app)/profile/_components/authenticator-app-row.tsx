import { confirmEnrolmentAction, startEnrolmentAction } from "@/app/(app)/profile/two-factor-actions";
import { MethodRow, type MethodState } from "@/app/(app)/profile/_components/method-row";
import { PreferredMethodControl } from "@/app/(app)/profile/_components/preferred-method-control";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import type { OwnTwoFactor } from "@/lib/data/profile-factors";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

function stateOf({ hasAuthenticator, allowTotp }: OwnTwoFactor): MethodState {
  if (hasAuthenticator) return { label: "Configured", tone: "on" };
  return allowTotp ? { label: "Not set up", tone: "off" } : { label: "Not allowed", tone: "off" };
}

/**
 * "Authenticator app". The enrolment form stays mounted once the app is set
 * up: the page re-renders at once (so the card tells the truth) while the
 * form still shows the recovery codes, which are shown only this once.
 */
export function AuthenticatorAppRow({ twoFactor, preferred }: { twoFactor: OwnTwoFactor; preferred: boolean | null }) {
  const { hasAuthenticator, allowTotp, enabled } = twoFactor;
  return (
    <MethodRow
      name={METHOD_LABELS.totp}
      state={stateOf(twoFactor)}
      preferred={preferred === true}
      description={
        hasAuthenticator ? (
          <p>
            Codes from an app on your phone.
            {allowTotp ? "" : " Your organisation no longer allows new authenticator apps; yours keeps working."}
          </p>
        ) : allowTotp ? (
          <p>Codes from an app on your phone, even offline. The strongest method here.</p>
        ) : (
          <p>Your organisation does not allow authenticator apps.</p>
        )
      }
    >
      {hasAuthenticator && preferred !== null ? (
        <PreferredMethodControl method="totp" label={METHOD_LABELS.totp} preferred={preferred} />
      ) : null}
      {allowTotp || hasAuthenticator ? (
        <TwoFactorEnableForm
          startAction={startEnrolmentAction}
          confirmAction={confirmEnrolmentAction}
          askPassword
          configured={hasAuthenticator}
          // With nothing on yet, this is how two-factor authentication starts.
          label={enabled ? "Set up" : "Enable two-factor authentication"}
          labelContext={enabled ? "an authenticator app" : undefined}
          variant={enabled ? "secondary" : "primary"}
        />
      ) : null}
    </MethodRow>
  );
}
