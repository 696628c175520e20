import { AuthenticatorAppRow } from "@/app/(app)/profile/_components/authenticator-app-row";
import { DuoRow } from "@/app/(app)/profile/_components/duo-row";
import { PasskeyMethodRow } from "@/app/(app)/profile/_components/passkey-method-row";
import { RecoveryCodesRow } from "@/app/(app)/profile/_components/recovery-codes-row";
import { SentCodesRow } from "@/app/(app)/profile/_components/sent-codes-row";
import { TrustedBrowsersSection } from "@/app/(app)/profile/_components/trusted-browsers-section";
import { TwoFactorDisableForm } from "@/app/(app)/profile/_components/two-factor-disable-form";
import { Card } from "@/components/ui/card";
import type { OwnTrustedBrowser, OwnTwoFactor } from "@/lib/data/profile-factors";
import { SSO_SECOND_FACTOR_NOTE } from "@/lib/auth/sso";
import type { DuoNotice } from "@/lib/two-factor/duo/messages";
import { METHOD_LABELS, startingMethod, type SecondFactorMethod } from "@/lib/two-factor/policy/methods";

// Boxed from a tablet up; on a phone the card's own box is enough, and the rows get the width.
const ROW_LIST = "mt-3 sm:rounded-lg sm:border sm:border-slate-200 sm:px-4 sm:py-4";

type Props = {
  twoFactor: OwnTwoFactor;
  trustedBrowsers: OwnTrustedBrowser[];
  duoNotice: DuoNotice | null;
  hasMobile: boolean;
  sso: boolean;
};

/**
 * "Two-factor authentication", after GitHub's "Two-factor methods": the
 * overall state, one row per method with its own state and actions, recovery
 * codes, remembered browsers, and turning it all off at the bottom.
 */
export function TwoFactorSection({ twoFactor, trustedBrowsers, duoNotice, hasMobile, sso }: Props) {
  // A choice of preferred method only when there is one: null means "no choice to show".
  const starting = startingMethod(twoFactor.methods, twoFactor.preferredMethod);
  const preferred = (method: SecondFactorMethod) => (twoFactor.methods.length > 1 ? starting === method : null);
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
          <p role="status" className="flex items-start gap-2 text-sm font-medium text-slate-800">
            <span
              aria-hidden="true"
              className={`mt-1.5 inline-block h-2.5 w-2.5 shrink-0 rounded-full ${twoFactor.enabled ? "bg-emerald-500" : "bg-amber-500"}`}
            />
            <span>
              {twoFactor.enabled
                ? `Two-factor authentication is on: ${twoFactor.methods.map((method) => METHOD_LABELS[method].toLowerCase()).join(", ")}.`
                : "Two-factor authentication is off."}
            </span>
          </p>
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Two-factor methods</h3>
            <ul className={`divide-y divide-slate-100 ${ROW_LIST}`}>
              <AuthenticatorAppRow twoFactor={twoFactor} preferred={preferred("totp")} />
              <SentCodesRow twoFactor={twoFactor} preferred={preferred("code")} hasMobile={hasMobile} />
              <DuoRow twoFactor={twoFactor} preferred={preferred("duo")} notice={duoNotice} />
              <PasskeyMethodRow twoFactor={twoFactor} preferred={preferred("passkey")} />
            </ul>
          </div>
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Recovery options</h3>
            <ul className={ROW_LIST}>
              <RecoveryCodesRow twoFactor={twoFactor} />
            </ul>
          </div>
          {twoFactor.enabled ? <TrustedBrowsersSection browsers={trustedBrowsers} /> : null}
          {twoFactor.canDisable ? (
            <div className="border-t border-slate-100 pt-5">
              <p className="mb-3 text-sm text-slate-600">
                Turning two-factor authentication off removes every method above at once.
              </p>
              <TwoFactorDisableForm offerEmailedCode={twoFactor.methods.includes("code")} />
            </div>
          ) : null}
        </div>
      )}
    </Card>
  );
}
