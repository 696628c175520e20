import type { Metadata } from "next";
import { headers } from "next/headers";
import { AccountSection } from "@/app/(app)/profile/_components/account-section";
import { MobileSection } from "@/app/(app)/profile/_components/mobile-section";
import { PasskeysSection } from "@/app/(app)/profile/_components/passkeys-section";
import { PasswordSection } from "@/app/(app)/profile/_components/password-section";
import { SessionsSection } from "@/app/(app)/profile/_components/sessions-section";
import { SignInAlertsCard } from "@/app/(app)/profile/_components/sign-in-alerts-card";
import { TwoFactorSection } from "@/app/(app)/profile/_components/two-factor-section";
import { requireUser } from "@/lib/auth/guards";
import { handledByIdentityProvider } from "@/lib/auth/sso";
import { listOwnSessions, ownSignInAlertsOn } from "@/lib/data/profile";
import { ownTrustedBrowsers, ownTwoFactor } from "@/lib/data/profile-factors";
import { ownMobile } from "@/lib/data/profile-mobile";
import { ownPasskeys } from "@/lib/data/profile-passkeys";
import { defaultPhoneCountry } from "@/lib/phone-countries";
import { duoNoticeFrom } from "@/lib/two-factor/duo/messages";

export const metadata: Metadata = { title: "Profile" };

export default async function ProfilePage({ searchParams }: { searchParams: Promise<{ duo?: string | string[] }> }) {
  const current = await requireUser();
  const { user, session } = current;
  const duoNotice = duoNoticeFrom((await searchParams).duo);
  const [twoFactor, mobile, sessions, signInAlertsOn, passkeys] = await Promise.all([
    ownTwoFactor(current),
    ownMobile(current),
    listOwnSessions(current),
    ownSignInAlertsOn(current),
    ownPasskeys(current),
  ]);
  const trustedBrowsers = twoFactor.enabled ? await ownTrustedBrowsers(current) : [];
  // Nothing to set up here for SSO users: the actions refuse them too (requireLocalAccount).
  const sso = handledByIdentityProvider(twoFactor.requirement);
  const defaultCountry = defaultPhoneCountry({
    storedNumber: mobile.mobileNumber,
    acceptLanguage: (await headers()).get("accept-language"),
  });

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Profile</h1>
      <AccountSection name={user.name} email={user.email} />
      <TwoFactorSection
        twoFactor={twoFactor}
        trustedBrowsers={trustedBrowsers}
        duoNotice={duoNotice}
        hasMobile={mobile.mobileNumber !== null}
        sso={sso}
      />
      {sso ? null : <PasskeysSection passkeys={passkeys} />}
      {sso ? null : <MobileSection mobile={mobile} defaultCountry={defaultCountry} />}
      {sso ? null : <PasswordSection />}
      <SignInAlertsCard on={signInAlertsOn} />
      <SessionsSection sessions={sessions} currentTokenHash={session.tokenHash} />
    </div>
  );
}
