import type { Metadata } from "next";
import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { confirmLinkSetupAction, startLinkSetupAction } from "@/app/(auth)/setup/[token]/actions";
import { AuthMessage, authLinkClass } from "@/components/auth-message";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import { getCurrentSession, requireUser } from "@/lib/auth/guards";
import { viewSetupLink } from "@/lib/data/setup-links";

export const metadata: Metadata = { title: "Set up your authenticator app" };

const profileLink = (
  <Link href="/profile" className={authLinkClass}>
    Go to your profile
  </Link>
);

/**
 * An admin's "Send setup link". Signing in comes first (and comes back
 * here); only the user the link was sent to can use it. Viewing never
 * spends the link: confirming the authenticator app does.
 */
export default async function SetupLinkPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!(await getCurrentSession())) redirect(`/login?next=/setup/${encodeURIComponent(token)}`);
  const current = await requireUser();
  const { user } = current;
  const found = await viewSetupLink(current, token);

  if (found.state === "unknown") {
    return (
      <AuthMessage title="This setup link does not work" actions={profileLink}>
        <p>
          Check that you opened the whole link from the email. If it still does not work, ask your administrator for a
          new one.
        </p>
      </AuthMessage>
    );
  }
  if (found.state === "not_yours") forbidden();

  const { hasAuthenticator } = found;
  if (found.state === "used" && hasAuthenticator) {
    return (
      <AuthMessage title="Your authenticator app is set up" actions={profileLink}>
        <p>Signing in to {user.email} now needs a code from your authenticator app as well as your password.</p>
        <p>
          This link has been used and no longer works. Your profile shows your two-factor settings and recovery codes.
        </p>
      </AuthMessage>
    );
  }
  if (found.state !== "live") {
    const why =
      found.state === "expired"
        ? "It has expired: links work for 24 hours."
        : found.state === "used"
          ? "It has already been used."
          : "A newer link was sent, or it was withdrawn.";
    return (
      <AuthMessage title="This setup link no longer works" actions={profileLink}>
        <p>{why} Ask your administrator for a new one, or set up two-factor authentication from your profile.</p>
      </AuthMessage>
    );
  }
  if (hasAuthenticator) {
    return (
      <AuthMessage title="You already have an authenticator app" actions={profileLink}>
        <p>
          Two-factor authentication with an authenticator app is already on for {user.email}. To change it, use your
          profile.
        </p>
      </AuthMessage>
    );
  }

  return (
    <div data-wide className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Set up your authenticator app</h1>
      <p className="mt-1 text-sm text-slate-600">
        Your administrator asked you to set up two-factor authentication for {user.email}. Have your phone ready with an
        authenticator app.
      </p>
      <div className="mt-6">
        <TwoFactorEnableForm
          startAction={startLinkSetupAction.bind(null, token)}
          confirmAction={confirmLinkSetupAction.bind(null, token)}
          askPassword
        />
      </div>
      <div className="mt-4 border-t border-slate-100 pt-4 text-center">{profileLink}</div>
    </div>
  );
}
