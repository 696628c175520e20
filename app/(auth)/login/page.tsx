import type { Metadata } from "next";
import { CredentialsSignInForm } from "@/components/credentials-sign-in-form";
import { redirectIfSignedIn } from "@/lib/auth/guards";
import { safeNextPath } from "@/lib/auth/next-path";

export const metadata: Metadata = { title: "Sign in" };

/** Why a visitor was sent back here; only these fixed messages can be shown. */
const NOTICES: Record<string, string> = {
  "too-many-codes": "Too many wrong codes. Sign in again to try once more.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await redirectIfSignedIn();
  const { reason, next } = await searchParams;
  const notice = typeof reason === "string" ? NOTICES[reason] : undefined;
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Use the email address and password of your organisation account.</p>
      <CredentialsSignInForm notice={notice} next={safeNextPath(next)} />
    </div>
  );
}
