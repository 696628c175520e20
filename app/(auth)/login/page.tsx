import type { Metadata } from "next";
import { CredentialsSignInForm } from "@/components/credentials-sign-in-form";
import { redirectIfSignedIn } from "@/lib/auth/guards";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  await redirectIfSignedIn();
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Use the email address and password of your organisation account.</p>
      <CredentialsSignInForm />
    </div>
  );
}
