import { PausedChallenge } from "@/app/(auth)/login/two-factor/_components/paused-challenge";
import { RecoveryRequestSection } from "@/app/(auth)/login/two-factor/_components/recovery-request";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { TwoFactorChallengeForm } from "@/app/(auth)/login/two-factor/_components/two-factor-challenge-form";
import { Notice } from "@/components/ui/notice";
import type { CurrentSession } from "@/lib/auth/guards";
import { formatDateTime } from "@/lib/format";
import { viewerTimeZone } from "@/lib/flows/viewer-time-zone";
import { messages } from "@/lib/messages";
import { RECOVERY_BUTTON_LABEL } from "@/lib/recovery/messages";

/**
 * The second step while it is locked, as its own state, with the ways forward named:
 * - paused by the failure window (`until`): nothing is checked until then, so the form is
 *   disabled under a countdown; then a code or a recovery code, or the administrator now;
 * - locked by the cap of consecutive failures (`until: null`): it does not open by waiting,
 *   so the form takes only a recovery code, or the administrator unlocks it.
 */
export async function LockedChallenge({ current, until }: { current: CurrentSession; until: Date | null }) {
  const { email } = current.user;
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Two-factor authentication</h1>
      <p className="mt-1 mb-4 text-sm text-slate-600">
        Signing in as <span className="font-medium break-all text-slate-800">{email}</span>.
      </p>
      {until ? (
        <>
          <Notice>{messages.secondStepPaused(formatDateTime(until, await viewerTimeZone()))}</Notice>
          <h2 className="mt-4 text-sm font-semibold text-slate-900">What you can do</h2>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
            <li>Wait: the code field opens again when the countdown ends.</li>
            <li>Then, without your phone, type one of your recovery codes instead.</li>
            <li>Or ask your administrator for help now: “{RECOVERY_BUTTON_LABEL}” below.</li>
          </ul>
          <PausedChallenge until={until.getTime()} />
        </>
      ) : (
        <>
          <Notice>{messages.secondStepLocked}</Notice>
          <h2 className="mt-4 text-sm font-semibold text-slate-900">What you can do</h2>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
            <li>Type one of your recovery codes below: it signs you in and lifts the lock.</li>
            <li>Or ask your administrator to unlock it: “{RECOVERY_BUTTON_LABEL}” below.</li>
            <li>Waiting does not help: the lock stays until one of these.</li>
          </ul>
          <TwoFactorChallengeForm method={null} />
        </>
      )}
      <RecoveryRequestSection current={current} />
      <div className="mt-4 border-t border-slate-100 pt-4 text-center">
        <SignOutButton action={signOutAction} />
      </div>
    </div>
  );
}
