"use client";

import Link from "next/link";
import { useId, useRef, useState, useTransition, type FormEvent } from "react";
import { buttonClasses } from "@/components/ui/button";
import { DialogButtons } from "@/components/row-action-form";
import { initialFormState, type FormState } from "@/lib/action";
import type { PreviewView } from "@/lib/data/enforcement-preview";

type PreviewAction = (state: FormState<PreviewView>, formData: FormData) => Promise<FormState<PreviewView>>;

/** Marks the dialog's button: a submission it sends has been confirmed. */
const CONFIRMS = "data-confirms-preview";

/**
 * The confirmation of a stricter 2FA setting (/admin/settings, a role's
 * page). When `tightens` says the form's values are stricter than the saved
 * ones, the submission stops; the server computes what the change would do
 * (a guarded action with the change's own permission) and a modal dialog
 * shows it, the safe choice focused. Only the dialog's button sends the form
 * on to its own action, which checks everything again.
 *
 * The preview is the dialog's description, so a screen reader reads it when
 * the dialog opens; the names are a list.
 */
export function useEnforcementConfirmation({
  preview,
  tightens,
  title,
  confirmLabel,
}: {
  preview: PreviewAction;
  tightens: (form: HTMLFormElement) => boolean;
  title: string;
  confirmLabel: string;
}) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const origin = useRef<HTMLElement | null>(null);
  const [shown, setShown] = useState<{ view: PreviewView; submitter: [string, string] | null } | null>(null);
  const [checking, startChecking] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.hasAttribute(CONFIRMS)) return;
    const form = event.currentTarget;
    if (!tightens(form)) return;
    event.preventDefault();
    origin.current = submitter;
    const data = new FormData(form, submitter);
    startChecking(async () => {
      const answer = await preview(initialFormState, data);
      if (answer.status !== "success" || !answer.data) {
        // Refused input: the form's own action says why, beside the field, and saves nothing.
        form.querySelector<HTMLButtonElement>(`button[${CONFIRMS}]`)?.click();
        return;
      }
      setShown({ view: answer.data, submitter: submitter?.name ? [submitter.name, submitter.value] : null });
      dialog.current?.showModal();
      cancel.current?.focus();
    });
  }

  const view = shown?.view;
  const element = (
    <>
      {/* The page's own live region may be far from the button: say here that something is happening. */}
      <p aria-live="polite" className="sr-only">
        {checking ? "Working out who this change affects…" : ""}
      </p>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-preview`}
        onClose={() => origin.current?.focus()}
        className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl border border-slate-200 bg-white p-6 text-left text-slate-900 shadow-xl backdrop:bg-slate-900/50"
      >
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        <div id={`${id}-preview`} className="mt-3 space-y-3 text-sm text-slate-700">
          {view ? (
            <>
              <div className="space-y-1">
                {view.required.map((sentence) => (
                  <p key={sentence}>{sentence}</p>
                ))}
              </div>
              <p>{view.losing}</p>
              {view.keeping ? <p>{view.keeping}</p> : null}
              {view.names.length > 0 ? (
                <ul aria-label="People who would lose a method" className="list-disc space-y-0.5 pl-5">
                  {view.names.map((name, index) => (
                    <li key={`${index}-${name}`}>{name}</li>
                  ))}
                  {view.moreNames > 0 ? <li>and {view.moreNames} more</li> : null}
                </ul>
              ) : null}
              <p className="text-slate-600">{view.exempt}</p>
            </>
          ) : null}
        </div>
        {view?.usersLink ? (
          <p className="mt-3 text-sm">
            <Link href={view.usersLink} className="font-medium text-brand-700 hover:underline">
              See who has no second factor today
            </Link>
          </p>
        ) : null}
        <DialogButtons cancelRef={cancel} onCancel={() => dialog.current?.close()}>
          {/* Sends what the first button would have (the preset, say); it is always there, so the form's fields stay the same. */}
          <button
            type="submit"
            {...{ [CONFIRMS]: "" }}
            name={shown?.submitter?.[0] ?? "confirmed"}
            value={shown?.submitter?.[1] ?? "yes"}
            onClick={() => dialog.current?.close()}
            className={buttonClasses("primary")}
          >
            {confirmLabel}
          </button>
        </DialogButtons>
      </dialog>
    </>
  );
  return { onSubmit, dialog: element };
}
