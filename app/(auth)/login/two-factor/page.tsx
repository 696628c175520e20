import type { Metadata } from "next";
import { SignOutButton } from "@/components/sign-out-button";
import { TwoFactorChallengeForm } from "@/components/two-factor-challenge-form";
import { requireSession } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Two-factor authentication" };

export default async function TwoFactorPage() {
  const { user } = await requireSession("password");
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Two-factor authentication</h1>
      <p className="mt-1 text-sm text-slate-600">
        Signing in as <span className="font-medium text-slate-800">{user.email}</span>. Open your authenticator app and enter
        the code it shows for {user.email}.
      </p>
      <TwoFactorChallengeForm />
      <div className="mt-4 border-t border-slate-100 pt-4 text-center">
        <SignOutButton className="text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline" />
      </div>
    </div>
  );
}
