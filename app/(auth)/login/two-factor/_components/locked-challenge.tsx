import { RecoveryRequestSection } from "@/app/(auth)/login/two-factor/_components/recovery-request";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { TwoFactorChallengeForm } from "@/app/(auth)/login/two-factor/_components/two-factor-challenge-form";
import { Notice } from "@/components/ui/notice";
import type { CurrentSession } from "@/lib/auth/guards";
import { messages } from "@/lib/messages";

/** The second step while the cap of consecutive failures holds it locked: only a recovery code is taken. */
export function LockedChallenge({ current }: { current: CurrentSession }) {
  const { email } = current.user;
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Two-factor authentication</h1>
      <p className="mt-1 mb-4 text-sm text-slate-600">
        Signing in as <span className="font-medium text-slate-800">{email}</span>.
      </p>
      <Notice>{messages.secondStepLocked}</Notice>
      <TwoFactorChallengeForm method={null} />
      <RecoveryRequestSection current={current} />
      <div className="mt-4 border-t border-slate-100 pt-4 text-center">
        <SignOutButton action={signOutAction} />
      </div>
    </div>
  );
}
