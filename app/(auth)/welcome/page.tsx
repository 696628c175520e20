import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button-classes";
import { requireUser } from "@/lib/auth/guards";
import { welcomeNextStep, type WelcomeNextStep } from "@/lib/data/sign-in";

export const metadata: Metadata = { title: "Welcome" };

const NEXT_STEPS: Record<WelcomeNextStep, { text: string; link: string } | null> = {
  set_up_authenticator: {
    text: "Next: set up an authenticator app, so signing in does not have to wait for an email.",
    link: "Set up an authenticator app",
  },
  may_turn_on: {
    text: "Next, if you like: turn on two-factor authentication to protect your account beyond your password.",
    link: "Turn on two-factor authentication",
  },
  none: null,
};

/** Where an accepted invitation lands when it signed the invitee straight in: who they are, and what comes next. */
export default async function WelcomePage() {
  const current = await requireUser();
  const next = NEXT_STEPS[await welcomeNextStep(current)];
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Welcome, {current.user.name}</h1>
      <p className="mt-1 text-sm text-slate-600">
        You are signed in to {current.organisation.name} as{" "}
        <span className="font-medium break-all text-slate-800">{current.user.email}</span>.
      </p>
      {next ? <p className="mt-4 text-sm text-slate-800">{next.text}</p> : null}
      <div className="mt-6 flex flex-col gap-3">
        {next ? (
          <Link href="/profile#two-factor" className={buttonClasses("primary", "w-full")}>
            {next.link}
          </Link>
        ) : null}
        <Link
          href="/"
          className={
            next ? "text-center text-sm font-medium text-brand-700 hover:underline" : buttonClasses("primary", "w-full")
          }
        >
          {next ? "Later: go to your dashboard" : "Continue to your dashboard"}
        </Link>
      </div>
    </div>
  );
}
