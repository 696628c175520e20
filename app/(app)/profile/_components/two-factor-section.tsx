import { sendConfirmationCodeAction } from "@/app/(app)/profile/two-factor-actions";
import { AuthenticatorAppSection } from "@/app/(app)/profile/_components/authenticator-app-section";
import { DuoProfileSection } from "@/app/(app)/profile/_components/duo-profile-section";
import { PreferredMethodForm } from "@/app/(app)/profile/_components/preferred-method-form";
import { SentCodesSection } from "@/app/(app)/profile/_components/sent-codes-section";
import { TrustedBrowsersSection } from "@/app/(app)/profile/_components/trusted-browsers-section";
import { TwoFactorDisableForm } from "@/app/(app)/profile/_components/two-factor-disable-form";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import type { OwnTrustedBrowser, OwnTwoFactor } from "@/lib/data/profile-factors";
import { SSO_SECOND_FACTOR_NOTE } from "@/lib/auth/sso";
import type { DuoNotice } from "@/lib/two-factor/duo/messages";
import { METHOD_LABELS, startingMethod } from "@/lib/two-factor/policy/methods";

type Props = {
  twoFactor: OwnTwoFactor;
  trustedBrowsers: OwnTrustedBrowser[];
  duoNotice: DuoNotice | null;
  sso: boolean;
};

/** "Two-factor authentication": each method, the one sign-in starts with, turning it all off, remembered browsers. */
export function TwoFactorSection({ twoFactor, trustedBrowsers, duoNotice, sso }: Props) {
  return (
    <Card
      title="Two-factor authentication"
      id="two-factor"
      description="A second step at sign-in that a stolen password alone cannot pass."
    >
      {sso ? (
        <p className="text-sm text-slate-800">{SSO_SECOND_FACTOR_NOTE}</p>
      ) : (
        <div className="space-y-6">
          {/* A status, so turning a method on or off is announced when the page updates. */}
          <p role="status" className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <span
              aria-hidden="true"
              className={`inline-block h-2.5 w-2.5 rounded-full ${twoFactor.enabled ? "bg-emerald-500" : "bg-amber-500"}`}
            />
            {twoFactor.enabled
              ? `Two-factor authentication is on: ${twoFactor.methods.map((method) => METHOD_LABELS[method].toLowerCase()).join(", ")}.`
              : "Two-factor authentication is off."}
          </p>
          <AuthenticatorAppSection twoFactor={twoFactor} />
          <SentCodesSection twoFactor={twoFactor} />
          <DuoProfileSection
            turnedOn={twoFactor.duoTurnedOn}
            usable={twoFactor.methods.includes("duo")}
            available={twoFactor.duoAvailable}
            notice={duoNotice}
          />
          {twoFactor.methods.length > 0 ? (
            <PreferredMethodForm
              options={twoFactor.methods.map((method) => ({ value: method, label: METHOD_LABELS[method] }))}
              current={startingMethod(twoFactor.methods, twoFactor.preferredMethod) ?? twoFactor.methods[0]!}
            />
          ) : null}
          {twoFactor.canDisable ? (
            <div className="flex flex-wrap items-start gap-3">
              <TwoFactorDisableForm />
              {twoFactor.methods.includes("code") ? (
                <RowActionForm
                  action={sendConfirmationCodeAction}
                  fields={{}}
                  label="Email me a code"
                  accessibleName="Email me a code to confirm turning two-factor authentication off"
                  pendingLabel="Sending…"
                  className="flex flex-col items-start gap-2"
                />
              ) : null}
            </div>
          ) : null}
          {twoFactor.enabled ? <TrustedBrowsersSection browsers={trustedBrowsers} /> : null}
        </div>
      )}
    </Card>
  );
}
