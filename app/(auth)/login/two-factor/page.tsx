import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { LockedChallenge } from "@/app/(auth)/login/two-factor/_components/locked-challenge";
import { RecoveryRequestSection } from "@/app/(auth)/login/two-factor/_components/recovery-request";
import { sendNewCodeAction, switchToCodeAction } from "@/app/(auth)/login/two-factor/actions";
import { RowActionForm } from "@/components/row-action-form";
import { Notice } from "@/components/ui/notice";
import { DuoContinueForm } from "@/app/(auth)/login/two-factor/_components/duo-continue-form";
import { signOutAction } from "@/app/(auth)/actions";
import { SignOutButton } from "@/components/sign-out-button";
import { TwoFactorChallengeForm } from "@/app/(auth)/login/two-factor/_components/two-factor-challenge-form";
import { PasskeyStep } from "@/app/(auth)/login/two-factor/_components/passkey-step";
import { requireSession } from "@/lib/auth/guards";
import { secondFactorScreen } from "@/lib/data/sign-in";
import type { CodeNotice } from "@/lib/two-factor/sent-codes/sign-in-recipient";
import { DuoNoticeAlert } from "@/components/duo-notice";
import { duoNoticeFrom } from "@/lib/two-factor/duo/messages";
import { messages } from "@/lib/messages";

export const metadata: Metadata = { title: "Two-factor authentication" };

function CodeStatus({ notice }: { notice: CodeNotice }) {
  switch (notice.state) {
    case "waiting": {
      const expiry = <>It is valid for 2 minutes.</>;
      if (notice.fallback === "sms_failed") {
        return (
          <>
            We could not send a text message to your phone, so we emailed a{" "}
            <span className="whitespace-nowrap">6-digit</span> code to{" "}
            <strong className="font-medium text-slate-800">{notice.maskedDestination}</strong> instead. {expiry}
          </>
        );
      }
      if (notice.fallback === "sms_limit") {
        return (
          <>
            Text messages are paused for your organisation for now, so we emailed a{" "}
            <span className="whitespace-nowrap">6-digit</span> code to{" "}
            <strong className="font-medium text-slate-800">{notice.maskedDestination}</strong>. {expiry}
          </>
        );
      }
      return (
        <>
          We sent a <span className="whitespace-nowrap">6-digit</span> code{" "}
          {notice.channel === "sms" ? "by text message" : "by email"} to{" "}
          <strong className="font-medium text-slate-800">{notice.maskedDestination}</strong>. {expiry}
        </>
      );
    }
    case "expired":
      return <>Your code has expired. Send a new code to continue.</>;
    case "used_up":
      return <>Your code was entered wrongly too many times. Send a new code to continue.</>;
    default:
      return <>Send a code to continue.</>;
  }
}

export default async function TwoFactorPage({
  searchParams,
}: {
  searchParams: Promise<{ method?: string | string[]; duo?: string | string[] }>;
}) {
  const current = await requireSession("password");
  const { user } = current;
  const params = await searchParams;
  const requested = params.method;
  const screen = await secondFactorScreen(current, requested);
  if (screen.locked === "until_unlocked") return <LockedChallenge current={current} until={null} />;
  if (screen.locked === "for_a_while") return <LockedChallenge current={current} until={screen.until} />;
  const { method, otherMethods, codesBarredByReset, notice, codeChannel, phishingResistantOnly } = screen;
  const duoNotice = duoNoticeFrom(params.duo);
  // A sign-in that starts with Duo goes straight to Duo's prompt; coming back refused, or asking for Duo, shows this page.
  if (method === "duo" && !requested && !duoNotice) redirect("/login/duo/start");

  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Two-factor authentication</h1>
      <p className="mt-1 text-sm text-slate-600">
        Signing in as <span className="font-medium break-all text-slate-800">{user.email}</span>.{" "}
        {method === "totp" ? <>Open your authenticator app and enter the code it shows for {user.email}.</> : null}
        {method === "duo" ? <>Continue to Duo and approve the sign-in there.</> : null}
        {method === "passkey" ? <>Use your passkey or security key to finish signing in.</> : null}
        {notice ? <CodeStatus notice={notice} /> : null}
        {method === null && !codesBarredByReset && !phishingResistantOnly ? (
          <>
            None of your second factors is allowed by your organisation now: use a recovery code, or ask your
            administrator.
          </>
        ) : null}
      </p>
      {phishingResistantOnly ? (
        <div className="mt-4">
          <Notice>
            <strong className="block font-semibold">{messages.phishingResistantRequired}</strong>
            {messages.phishingResistantExplained}
          </Notice>
        </div>
      ) : null}
      {codesBarredByReset ? (
        <div className="mt-4">
          <Notice>{messages.codesBarredByReset}</Notice>
        </div>
      ) : null}
      <DuoNoticeAlert notice={duoNotice} />
      {method === "duo" ? <DuoContinueForm /> : null}
      {method === "passkey" ? <PasskeyStep /> : null}
      {method !== "duo" && method !== "passkey" ? (
        <TwoFactorChallengeForm key={method ?? "none"} method={method} />
      ) : null}
      {method === "code" ? (
        <RowActionForm
          action={sendNewCodeAction}
          fields={{}}
          label="Send a new code"
          pendingLabel="Sending…"
          variant="ghost"
          className="mt-3 flex flex-col items-center gap-2"
        />
      ) : null}
      {otherMethods.length > 0 ? (
        <div className="mt-4 flex flex-col items-center gap-2 border-t border-slate-100 pt-4 text-sm">
          <p className="text-slate-600">Other ways to sign in</p>
          {otherMethods.includes("totp") ? (
            <Link href="/login/two-factor?method=totp" className="font-medium text-brand-700 hover:underline">
              Use your authenticator app instead
            </Link>
          ) : null}
          {otherMethods.includes("passkey") ? (
            <Link href="/login/two-factor?method=passkey" className="font-medium text-brand-700 hover:underline">
              Use a passkey or security key instead
            </Link>
          ) : null}
          {otherMethods.includes("duo") ? (
            <Link href="/login/two-factor?method=duo" className="font-medium text-brand-700 hover:underline">
              Use Duo instead
            </Link>
          ) : null}
          {otherMethods.includes("code") ? (
            <RowActionForm
              action={switchToCodeAction}
              fields={{}}
              label={codeChannel === "sms" ? "Text me a code instead" : "Email me a code instead"}
              pendingLabel="Sending…"
              variant="ghost"
              className="flex flex-col items-center gap-2"
            />
          ) : null}
        </div>
      ) : null}
      <RecoveryRequestSection current={current} />
      <div className="mt-4 border-t border-slate-100 pt-4 text-center">
        <SignOutButton action={signOutAction} />
      </div>
    </div>
  );
}
