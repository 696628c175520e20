"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState } from "react";
import { CopyButton } from "@/components/copy-button";
import { RecoveryCodesList } from "@/components/recovery-codes-list";
import { SubmitButton, type ButtonVariant } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { Reveal } from "@/components/ui/reveal";
import { initialFormState, type FormState } from "@/lib/action";
import type { EnrolmentFinish, EnrolmentStart } from "@/lib/flows/authenticator-enrolment";
import { otherSessionsSignedOutText } from "@/lib/messages";

type Action<Data> = (state: FormState<Data>, formData: FormData) => Promise<FormState<Data>>;

type Props = {
  startAction: Action<EnrolmentStart>;
  confirmAction: Action<EnrolmentFinish>;
  askPassword: boolean;
  /** What saving the codes completes (setup at sign-in); without it the page refreshes. */
  finishAction?: () => Promise<void>;
  /** The button that starts enrolling: another wording when 2FA is already on by other means. */
  label?: string;
  /** Words after a short `label` ("Set up") that only screen readers hear. */
  labelContext?: string;
  variant?: ButtonVariant;
  /**
   * The app is already set up (the profile re-renders as soon as it is): the
   * form then offers nothing, except the recovery codes of the enrolment it
   * has just finished, which are shown only this once.
   */
  configured?: boolean;
};

/**
 * Enrolling an authenticator app: (password,) QR code and secret, a code from
 * the app, then the recovery codes. On the profile the password is asked
 * again; at sign-in setup it was typed moments ago.
 */
export function TwoFactorEnableForm(props: Props) {
  const router = useRouter();
  // Saving the codes starts a fresh form: if the app is turned off and set up
  // again on this page, no old QR code or codes may come back.
  const [generation, setGeneration] = useState(0);
  const { finishAction } = props;
  const onSaved = () =>
    startTransition(() => {
      if (finishAction) return finishAction();
      setGeneration((previous) => previous + 1);
      router.refresh();
    });
  return <Enrolment key={generation} {...props} onSaved={onSaved} />;
}

function Enrolment({
  startAction,
  confirmAction,
  askPassword,
  label = "Enable two-factor authentication",
  labelContext,
  variant = "primary",
  configured = false,
  onSaved,
}: Props & { onSaved: () => void }) {
  const [started, start] = useActionState(startAction, initialFormState);
  const [confirmed, confirm] = useActionState(confirmAction, initialFormState);

  if (confirmed.data) {
    return (
      <div data-expanded className="space-y-4">
        <p role="status" className="text-sm font-medium text-emerald-800">
          Your authenticator app is set up. {otherSessionsSignedOutText(confirmed.data.otherSessionsEnded)}
        </p>
        <RecoveryCodesList codes={confirmed.data.recoveryCodes} onDone={onSaved} />
      </div>
    );
  }

  if (configured) return null;

  if (started.data) {
    const { qrCode, secret, uri } = started.data;
    return (
      // On a phone the QR code is on the very screen that would have to scan
      // it: there the link and the copy button come first; beside a computer's
      // QR code they are the alternatives.
      <div data-expanded className="flex flex-col gap-5 md:flex-row md:items-start md:gap-6">
        {/* A data: URL made on the server; next/image has nothing to optimise. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={qrCode}
          alt="QR code"
          width={200}
          height={200}
          className="order-3 h-40 w-40 shrink-0 rounded-lg border border-slate-200 md:order-none md:h-[200px] md:w-[200px]"
        />
        <div className="contents md:block md:min-w-0 md:flex-1 md:space-y-4">
          <ol className="order-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
            <li>
              On the phone with your authenticator app (Google Authenticator, 1Password, Authy, …), tap “Open in
              authenticator app”, or scan the QR code from another device.
            </li>
            <li>
              Neither works? Enter this key in the app:{" "}
              <code
                aria-label="Secret key"
                className="rounded bg-slate-100 px-1.5 py-0.5 font-mono break-all text-slate-900"
              >
                {secret}
              </code>
            </li>
            <li>
              Type the <span className="whitespace-nowrap">6-digit</span> code the app shows.
            </li>
          </ol>
          <div className="order-1 flex flex-col items-stretch gap-2 sm:flex-row sm:flex-wrap sm:items-center">
            <a
              href={uri}
              className="inline-flex items-center justify-center rounded-lg bg-brand-600 px-4 py-2.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700 md:border md:border-slate-300 md:bg-white md:py-2 md:text-slate-800 md:hover:bg-slate-50"
            >
              Open in authenticator app
            </a>
            <CopyButton text={secret.replaceAll(" ", "")} label="Copy secret key" className="w-full sm:w-auto" />
          </div>
          <p className="order-4 text-xs text-slate-600">
            Codes depend on the time: your phone’s clock must be set automatically.
          </p>
          <form action={confirm} className="order-5 space-y-4 sm:max-w-xs" noValidate>
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
    <Reveal label={label} labelContext={labelContext} variant={variant}>
      {() => (
        <form data-expanded action={start} className="space-y-4 sm:max-w-sm" noValidate>
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
