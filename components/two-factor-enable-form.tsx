"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState } from "react";
import { RecoveryCodesList } from "@/components/recovery-codes-list";
import { SubmitButton } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState, type FormState } from "@/lib/action";
import type { EnrolmentFinish, EnrolmentStart } from "@/lib/flows/authenticator-enrolment";

type Action<Data> = (state: FormState<Data>, formData: FormData) => Promise<FormState<Data>>;

/**
 * Enrolling an authenticator app: (password,) QR code and secret, a code from
 * the app, then the recovery codes. On the profile the password is asked
 * again; at sign-in setup it was typed moments ago.
 */
export function TwoFactorEnableForm({
  startAction,
  confirmAction,
  askPassword,
  finishAction,
  label = "Enable two-factor authentication",
}: {
  startAction: Action<EnrolmentStart>;
  confirmAction: Action<EnrolmentFinish>;
  askPassword: boolean;
  /** What saving the codes completes (setup at sign-in); without it the page refreshes. */
  finishAction?: () => Promise<void>;
  /** The button that starts enrolling: another wording when 2FA is already on by other means. */
  label?: string;
}) {
  const router = useRouter();
  const [started, start] = useActionState(startAction, initialFormState);
  const [confirmed, confirm] = useActionState(confirmAction, initialFormState);

  if (confirmed.data) {
    return (
      <div className="space-y-4">
        <p role="status" className="text-sm font-medium text-emerald-800">
          Your authenticator app is set up.
        </p>
        <RecoveryCodesList
          codes={confirmed.data.recoveryCodes}
          onDone={() => (finishAction ? startTransition(() => finishAction()) : router.refresh())}
        />
      </div>
    );
  }

  if (started.data) {
    return (
      <div className="grid gap-6 md:grid-cols-[auto_1fr]">
        {/* A data: URL made on the server; next/image has nothing to optimise. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={started.data.qrCode}
          alt="QR code"
          width={200}
          height={200}
          className="rounded-lg border border-slate-200"
        />
        <div className="space-y-4">
          <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
            <li>Scan the QR code with your authenticator app (Google Authenticator, 1Password, Authy, …).</li>
            <li>
              Can’t scan it? Enter this key instead:{" "}
              <code aria-label="Secret key" className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900">
                {started.data.secret}
              </code>
            </li>
            <li>Type the 6-digit code the app shows.</li>
          </ol>
          <p className="text-xs text-slate-600">
            Codes depend on the time: your phone’s clock must be set automatically.
          </p>
          <form action={confirm} className="space-y-4 sm:max-w-xs" noValidate>
            <FormStatus state={confirmed} />
            <Field
              label="Code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              error={confirmed.fieldErrors?.code}
            />
            <SubmitButton pendingLabel="Checking…">Turn on</SubmitButton>
          </form>
        </div>
      </div>
    );
  }

  if (!askPassword) {
    return (
      <form action={start} className="space-y-4">
        <FormStatus state={started} />
        <SubmitButton pendingLabel="Preparing…">{label}</SubmitButton>
      </form>
    );
  }

  return (
    <Reveal label={label} variant="primary">
      {() => (
        <form action={start} className="space-y-4 sm:max-w-sm" noValidate>
          <p className="text-sm text-slate-700">Confirm it is you to start.</p>
          <FormStatus state={started} />
          <Field
            label="Password"
            id="enable-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            autoFocus
            required
            error={started.fieldErrors?.currentPassword}
          />
          <SubmitButton pendingLabel="Checking…">Continue</SubmitButton>
        </form>
      )}
    </Reveal>
  );
}
