import type { Metadata } from "next";
import { CredentialsSignInForm, type SignInNotice } from "@/app/(auth)/login/_components/credentials-sign-in-form";
import { SsoSignInForm } from "@/app/(auth)/login/_components/sso-sign-in-form";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { ssoConfigured } from "@/lib/auth/sso";
import { getEnv } from "@/lib/env";
import { safeNextPath } from "@/lib/auth/next-path";
import { messages } from "@/lib/messages";

export const metadata: Metadata = { title: "Sign in" };

/** Why a visitor was sent back here; only these fixed messages can be shown. */
const NOTICES: Record<string, string> = {
  "too-many-codes": messages.tooManyWrongCodesSignInAgain,
  "setup-required": "Your organisation now requires two-factor authentication. Sign in again to set it up.",
  "session-ended":
    "Your session has ended: it was signed out, ran out of time, or was left unused. Sign in again to continue.",
  // Refused SSO sign-ins (lib/auth/sso.ts ssoRefusalReason).
  "sso-email-taken": "An account with this email already exists. Ask an administrator for help.",
  "sso-email-missing":
    "Your identity provider did not share your email address, which Twofold needs. Ask an administrator.",
  "sso-email-unverified":
    "Your identity provider has not verified your email address. Verify it there, then try again.",
  "sso-disabled": "This account has been disabled. Contact your administrator.",
  "sso-api-account": "This is an API account: it can use the API but cannot sign in here.",
  "sso-no-organisation": "Sign-in with SSO is not set up correctly. Ask an administrator.",
  "sso-domain-not-allowed": "Twofold does not create accounts for your email domain. Ask an administrator.",
  "sso-mfa-required":
    "Administrators must use multi-factor authentication at the identity provider. Sign in there with a second factor, then try again.",
  "sso-no-claims": "Your identity provider did not say who you are. Ask an administrator.",
  "sso-unreachable": "Your identity provider cannot be reached right now. Try again in a moment.",
  "sso-not-configured": "Sign-in with SSO is not set up here.",
};

/** Good news after a step done elsewhere. */
const SUCCESS_NOTICES: Record<string, string> = {
  "password-reset": "Your password was changed and every session was signed out. Sign in with your new password.",
};

/** Only the fixed messages above: `reason` is whatever the address says ("constructor" included). */
function noticeFor(reason: string | string[] | undefined, ssoError: boolean): SignInNotice | undefined {
  const known = (messages: Record<string, string>) =>
    typeof reason === "string" && Object.hasOwn(messages, reason) ? messages[reason] : undefined;
  const success = known(SUCCESS_NOTICES);
  if (success) return { status: "success", message: success };
  const problem = known(NOTICES) ?? (ssoError ? SSO_FAILED : undefined);
  return problem ? { status: "error", message: problem } : undefined;
}

/** Auth.js sends failed SSO round trips (cancelled, expired, tampered with) here with `error`; its codes are not for users. */
const SSO_FAILED = "Sign-in with SSO did not complete. Try again, or ask an administrator if it keeps failing.";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await redirectIfSignedIn();
  const { reason, error, next } = await searchParams;
  const notice = noticeFor(reason, Boolean(error));
  const sso = ssoConfigured(getEnv());
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Use the email address and password of your organisation account.</p>
      <CredentialsSignInForm notice={notice} next={safeNextPath(next)} />
      {sso ? (
        <div className="mt-3">
          <SsoSignInForm />
        </div>
      ) : null}
    </div>
  );
}
