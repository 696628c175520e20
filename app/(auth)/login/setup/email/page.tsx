import type { Metadata } from "next";
import { resendSetupLinkAction, skipEmailSetupAction } from "@/app/(auth)/login/setup/email/actions";
import { RowActionForm } from "@/components/row-action-form";
import { SetupSkipForm } from "@/components/setup-skip-form";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { requireSession } from "@/lib/auth/guards";
import { maskEmail } from "@/lib/two-factor/sent-codes/delivery";
import { emailSetupScreen } from "@/lib/data/required-setup";
import { SetupGraceNotice } from "@/components/setup-grace-notice";

export const metadata: Metadata = { title: "Check your email" };

/** After the password, in organisations that set up 2FA through an emailed link. */
export default async function EmailSetupPage() {
  const current = await requireSession("email_setup");
  const { user, organisation } = current;
  const { requirement, linkWaiting } = await emailSetupScreen(current);
  const address = <strong className="font-medium text-slate-800">{maskEmail(user.email)}</strong>;
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Check your email</h1>
      <p className="mt-1 text-sm text-slate-600">
        {organisation.name} requires a second step at sign-in for {user.email}. To set it up, you first confirm your
        email address.
      </p>
      <p className="mt-3 text-sm text-slate-600">
        {linkWaiting ? (
          <>We emailed a link to {address}. Open it in this browser to continue. It works once, for 24 hours.</>
        ) : (
          <>No link is waiting for you. Send one to {address}, then open it in this browser.</>
        )}
      </p>
      <SetupGraceNotice requirement={requirement} />
      <RowActionForm
        action={resendSetupLinkAction}
        fields={{}}
        label="Send the link again"
        pendingLabel="Sending…"
        variant="secondary"
        className="mt-6 flex flex-col items-center gap-2"
      />
      <div className="mt-4 flex items-center justify-center gap-6 border-t border-slate-100 pt-4">
        {requirement.level === "required" && requirement.graceUntil ? (
          <SetupSkipForm action={skipEmailSetupAction} />
        ) : null}
        <SignOutButton action={signOutAction} />
      </div>
    </div>
  );
}
