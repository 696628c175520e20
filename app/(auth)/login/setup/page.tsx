import type { Metadata } from "next";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import {
  confirmSetupAction,
  finishSetupAction,
  finishSetupPasskeyAction,
  skipSetupAction,
  startSetupAction,
  startSetupPasskeyAction,
} from "@/app/(auth)/login/setup/actions";
import { PasskeyAddForm } from "@/components/passkey-add-form";
import { ownPasskeys } from "@/lib/data/profile-passkeys";
import { DuoSetupChoice } from "@/app/(auth)/login/setup/_components/duo-setup-choice";
import { SetupSkipForm } from "@/components/setup-skip-form";
import { TwoFactorEnableForm } from "@/components/two-factor-enable-form";
import { requireSession } from "@/lib/auth/guards";
import { duoNoticeFrom } from "@/lib/two-factor/duo/messages";
import { setupScreen } from "@/lib/data/required-setup";
import { SetupGraceNotice } from "@/components/setup-grace-notice";
import { Notice } from "@/components/ui/notice";
import { messages } from "@/lib/messages";

export const metadata: Metadata = { title: "Set up two-factor authentication" };

export default async function SetupPage({
  searchParams,
}: {
  searchParams: Promise<{ duo?: string | string[]; welcome?: string | string[] }>;
}) {
  const current = await requireSession("setup");
  const { user, organisation } = current;
  const { requirement, duoAvailable, phishingResistantOnly } = await setupScreen(current);
  const { allowed: passkeysAllowed } = await ownPasskeys(current);
  const params = await searchParams;
  const duoNotice = duoNoticeFrom(params.duo);
  // Right after an accepted invitation: greet the newcomer, and name this page as their next step.
  const welcome = params.welcome === "1";
  return (
    <div data-wide className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      {welcome ? (
        <p className="mb-2 text-sm font-medium text-emerald-800">
          Welcome, {user.name}. Your account is ready. Next: set up two-factor authentication.
        </p>
      ) : null}
      <h1 className="text-xl font-semibold text-slate-900">Set up two-factor authentication</h1>
      {phishingResistantOnly ? (
        // Only a passkey may be set up: no authenticator app, codes or Duo (they would be refused at sign-in).
        <div className="mt-4 space-y-3">
          <Notice>
            <strong className="block font-semibold">{messages.phishingResistantRequired}</strong>
            {messages.phishingResistantSetupNotice}
          </Notice>
          <p className="text-sm text-slate-600">{messages.phishingResistantSetupHelp}</p>
        </div>
      ) : (
        <>
          <p className="mt-1 text-sm text-slate-600">
            {organisation.name} requires a second step at sign-in for {user.email}. Set up an authenticator app on your
            phone to continue.
          </p>
          <SetupGraceNotice requirement={requirement} />
          <div className="mt-6">
            <TwoFactorEnableForm
              startAction={startSetupAction}
              confirmAction={confirmSetupAction}
              askPassword={false}
              finishAction={finishSetupAction}
            />
          </div>
        </>
      )}
      {passkeysAllowed || phishingResistantOnly ? (
        <section aria-labelledby="setup-passkey" className="mt-6 border-t border-slate-100 pt-4">
          <h2 id="setup-passkey" className="text-base font-semibold text-slate-900">
            {phishingResistantOnly ? "Add a passkey or security key" : "Or use a passkey or security key"}
          </h2>
          <p className="mt-1 mb-3 text-sm text-slate-600">
            Your fingerprint, face, screen lock or a USB key. A fake sign-in page cannot use it.
          </p>
          <PasskeyAddForm
            startAction={startSetupPasskeyAction}
            finishAction={finishSetupPasskeyAction}
            doneAction={finishSetupAction}
          />
        </section>
      ) : null}
      {duoAvailable && !phishingResistantOnly ? <DuoSetupChoice notice={duoNotice} /> : null}
      <div className="mt-4 flex items-center justify-center gap-6 border-t border-slate-100 pt-4">
        {requirement.level === "required" && requirement.graceUntil ? <SetupSkipForm action={skipSetupAction} /> : null}
        <SignOutButton action={signOutAction} />
      </div>
    </div>
  );
}
