import type { Metadata } from "next";
import { sendConfirmationCodeAction } from "@/app/(app)/profile/two-factor-actions";
import {
  ConfirmAccessForm,
  ConfirmAccessWithDuoForm,
  ConfirmAccessWithPasskeyForm,
  ConfirmAccessWithSsoForm,
} from "@/app/(auth)/confirm-access/_components/confirm-access-form";
import { DuoNoticeAlert } from "@/components/duo-notice";
import { duoNoticeFrom } from "@/lib/two-factor/duo/messages";
import { RowActionForm } from "@/components/row-action-form";
import { requireUser } from "@/lib/auth/guards";
import { safeNextPath } from "@/lib/auth/next-path";
import { confirmAccessScreen } from "@/lib/data/sign-in";

export const metadata: Metadata = { title: "Confirm access" };

/** What to type in "Code", from the factors the user has. */
function codeHintFor(methods: string[], codeWaiting: boolean): string {
  if (codeWaiting) return "The 6\u2011digit code we emailed you, or a recovery code.";
  if (methods.includes("totp")) return "From your authenticator app, or a recovery code.";
  if (methods.includes("code")) return "Send yourself a code below, or use a recovery code.";
  return "One of your recovery codes.";
}

export default async function ConfirmAccessPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; duo?: string | string[] }>;
}) {
  const current = await requireUser();
  const { user } = current;
  const params = await searchParams;
  const next = safeNextPath(params.next);
  const duoNotice = duoNoticeFrom(params.duo);
  const state = await confirmAccessScreen(current);
  const { sso, codeWaiting } = state;
  const onlyDuo = state.methods.length > 0 && state.methods.every((method) => method === "duo");

  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">Confirm access</h1>
      <p className="mt-1 text-sm text-slate-600">
        You are about to make a sensitive change as <span className="font-medium text-slate-800">{user.email}</span>.{" "}
        {sso
          ? "Sign in again at your organisation’s identity provider to continue."
          : state.hasFactor
            ? "Enter your password and a current second factor to continue."
            : "Enter your password to continue."}{" "}
        You won’t be asked again for 15 minutes.
      </p>
      <DuoNoticeAlert notice={duoNotice} />
      {sso ? (
        <ConfirmAccessWithSsoForm next={next} />
      ) : onlyDuo ? (
        <div className="mt-6">
          <ConfirmAccessWithDuoForm next={next} />
        </div>
      ) : (
        <>
          <ConfirmAccessForm next={next} codeHint={state.hasFactor ? codeHintFor(state.methods, codeWaiting) : null} />
          {state.methods.includes("code") ? (
            <div className="mt-6 border-t border-slate-100 pt-4">
              <RowActionForm
                action={sendConfirmationCodeAction}
                fields={{}}
                label={codeWaiting ? "Email me a new code" : "Email me a code"}
                pendingLabel="Sending…"
                className="flex flex-col items-start gap-2"
              />
            </div>
          ) : null}
          {state.methods.includes("passkey") ? (
            <section aria-labelledby="confirm-with-passkey" className="mt-6 border-t border-slate-100 pt-4">
              <h2 id="confirm-with-passkey" className="text-sm font-semibold text-slate-900">
                Or confirm with a passkey
              </h2>
              <div className="mt-3">
                <ConfirmAccessWithPasskeyForm next={next} />
              </div>
            </section>
          ) : null}
          {state.methods.includes("duo") ? (
            <section aria-labelledby="confirm-with-duo" className="mt-6 border-t border-slate-100 pt-4">
              <h2 id="confirm-with-duo" className="text-sm font-semibold text-slate-900">
                Or confirm with Duo
              </h2>
              <div className="mt-3">
                <ConfirmAccessWithDuoForm next={next} />
              </div>
            </section>
          ) : null}
        </>
      )}
    </div>
  );
}
