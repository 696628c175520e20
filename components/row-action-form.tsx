"use client";

import { useActionState, useEffect, useId, useRef, type ReactNode, type RefObject } from "react";
import { SubmitButton, buttonClasses, type ButtonVariant } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/** A confirmation dialog's box (the bulk actions' on /admin/users too). */
export const DIALOG_CLASSES =
  "m-auto w-[calc(100%-2rem)] max-w-md rounded-xl border border-slate-200 bg-white p-6 text-left text-slate-900 shadow-xl backdrop:bg-slate-900/50";

export type Confirmation = {
  /** The question, naming the thing: "Delete the role “Auditor”?" */
  title: string;
  /** What happens if they go ahead, in one or two sentences. */
  consequence: string;
  /** Short and specific: "Delete", "Revoke". */
  confirmLabel: string;
  /**
   * A required text field in the dialog, sent as `reason` (recorded in the
   * audit log, for example); the server's schema checks it again.
   */
  reason?: { label: string; hint?: string; maxLength?: number };
};

/**
 * One button acting on one thing (end this session, forget this browser, sign
 * this user out). In lists, the accessible name says which row, since every
 * row's button shows the same text.
 *
 * With a `confirmation`, for actions that are hard to undo, the button opens
 * a modal dialog that asks first, with the safe choice focused. A page whose
 * button turns from one kind into the other (Disable account ↔ Enable
 * account) keeps one instance, so the answer to the last action stays on screen.
 */
export function RowActionForm({
  action: serverAction,
  fields,
  label,
  accessibleName,
  pendingLabel,
  variant = "secondary",
  confirmation,
  className = "flex flex-col items-end gap-2",
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  fields: Record<string, string | number>;
  label: string;
  accessibleName?: string;
  pendingLabel: string;
  variant?: ButtonVariant;
  confirmation?: Confirmation;
  className?: string;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  const trigger = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const reasonError = confirmation?.reason ? state.fieldErrors?.reason : undefined;

  // The server has answered: the dialog has done its job, and the answer is
  // shown beside the button. If the answer re-rendered the page without this
  // dialog, focus fell to the page; put it back on the button.
  useEffect(() => {
    if (state === initialFormState) return;
    // The reason was refused: keep the dialog open on the field, with the error beside it.
    if (reasonError && dialog.current?.open) reasonField.current?.focus();
    else if (dialog.current?.open) dialog.current.close();
    else if (document.activeElement === document.body) trigger.current?.focus();
  }, [state, reasonError]);

  function ask() {
    dialog.current?.showModal();
    cancel.current?.focus();
  }

  return (
    <form action={action} className={className}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {/* One button element in both modes, so focus survives a switch between them. */}
      <SubmitButton
        ref={trigger}
        type={confirmation ? "button" : "submit"}
        onClick={confirmation ? ask : undefined}
        variant={variant}
        aria-label={accessibleName}
        pendingLabel={pendingLabel}
      >
        {label}
      </SubmitButton>
      {confirmation ? (
        <dialog
          ref={dialog}
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-consequence`}
          onClose={() => trigger.current?.focus()}
          className={DIALOG_CLASSES}
        >
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {confirmation.title}
          </h2>
          <p id={`${id}-consequence`} className="mt-2 text-sm text-slate-600">
            {confirmation.consequence}
          </p>
          {confirmation.reason ? (
            <DialogReasonField id={id} reason={confirmation.reason} error={reasonError} fieldRef={reasonField} />
          ) : null}
          <DialogButtons cancelRef={cancel} onCancel={() => dialog.current?.close()}>
            {/* Only what is hard to undo asks first: going ahead is the dangerous choice. */}
            <SubmitButton variant="danger" pendingLabel={pendingLabel}>
              {confirmation.confirmLabel}
            </SubmitButton>
          </DialogButtons>
        </dialog>
      ) : null}
      {/*
        As wide as the form and no wider (w-0 min-w-full): the form's width is the
        button's, so an answer appearing below it wraps instead of widening the
        form and pushing the buttons beside it out of their row.
      */}
      <div className="w-0 min-w-full">
        <FormStatus state={state} />
      </div>
    </form>
  );
}

/** A confirmation dialog's required "reason" field, with its hint and the server's error (the bulk actions' too). */
export function DialogReasonField({
  id,
  reason,
  error,
  fieldRef,
}: {
  id: string;
  reason: NonNullable<Confirmation["reason"]>;
  error: string | undefined;
  fieldRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  return (
    <div className="mt-4">
      <label htmlFor={`${id}-reason`} className="block text-sm font-medium text-slate-800">
        {reason.label}
      </label>
      {reason.hint ? (
        <p id={`${id}-reason-hint`} className="mt-0.5 text-xs text-slate-600">
          {reason.hint}
        </p>
      ) : null}
      <textarea
        ref={fieldRef}
        id={`${id}-reason`}
        name="reason"
        required
        rows={3}
        maxLength={reason.maxLength ?? 500}
        aria-invalid={error ? true : undefined}
        aria-describedby={
          [reason.hint ? `${id}-reason-hint` : null, error ? `${id}-reason-error` : null].filter(Boolean).join(" ") ||
          undefined
        }
        className={`mt-1 block w-full rounded-lg border bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none ${
          error ? "border-red-500" : "border-slate-300"
        }`}
      />
      {/* Inside the dialog: while it is open, the page behind it (and its live region) is inert. */}
      <div aria-live="polite">
        {error ? (
          <p id={`${id}-reason-error`} className="mt-1 text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A confirmation dialog's buttons: Cancel (focused when it opens, the safe choice) and the given one. */
export function DialogButtons({
  cancelRef,
  onCancel,
  children,
}: {
  cancelRef: RefObject<HTMLButtonElement | null>;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <div className="mt-6 flex flex-wrap justify-end gap-3">
      <button ref={cancelRef} type="button" onClick={onCancel} className={buttonClasses("secondary")}>
        Cancel
      </button>
      {children}
    </div>
  );
}
