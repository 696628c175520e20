import type { Metadata } from "next";
import Link from "next/link";
import { ForgotPasswordForm } from "@/app/(auth)/login/forgot/_components/forgot-password-form";
import { authLinkClass } from "@/components/auth-message";
import { redirectIfSignedIn } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Forgot your password?" };

export default async function ForgotPasswordPage() {
  // Signed in, the password is changed on the profile, with the current one.
  await redirectIfSignedIn();
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Forgot your password?</h1>
      <p className="mt-1 text-sm text-slate-600">
        Enter the email address of your account and we will send you a link to choose a new one. Your two-factor
        authentication stays as it is: you still need it to sign in.
      </p>
      <ForgotPasswordForm />
      <p className="mt-6 border-t border-slate-100 pt-4 text-center">
        <Link href="/login" className={authLinkClass}>
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
