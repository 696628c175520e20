import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/app/(auth)/login/reset/[token]/_components/reset-password-form";
import { AuthMessage, authLinkClass } from "@/components/auth-message";
import { allowAnyone } from "@/lib/auth/guards";
import { viewPasswordResetLink } from "@/lib/data/password-reset";

// The token is in the address: never hand it to another site as a referrer.
export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** Showing the page only reads the link (mail scanners open links); setting the password is what spends it. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  await allowAnyone();
  const { token } = await params;
  const opened = await viewPasswordResetLink(token);
  if (opened.state !== "live") {
    return (
      <AuthMessage
        title="This link can no longer be used"
        actions={
          <Link href="/login/forgot" className={authLinkClass}>
            Send a new reset link
          </Link>
        }
      >
        <p>
          {opened.expired
            ? "Password reset links work for 30 minutes, and this one has expired."
            : "It was already used, a newer link replaced it, or it was never valid."}{" "}
          Ask for a new link, or sign in if you know your password.
        </p>
      </AuthMessage>
    );
  }
  const { account } = opened;
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Choose a new password</h1>
      <p className="mt-1 text-sm text-slate-600">
        For <strong className="font-medium text-slate-900">{account.email}</strong> at {account.organisationName}. Every
        session of the account will be signed out; you then sign in with the new password and your second factor.
      </p>
      <ResetPasswordForm
        token={token}
        email={account.email}
        userInputs={[account.email, account.name, account.organisationName]}
      />
    </div>
  );
}
