"use client";

import { useActionState, useId } from "react";
import { requestRecoveryAction } from "@/app/(auth)/login/two-factor/recovery-actions";
import { SubmitButton } from "@/components/ui/button";
import { initialFormState } from "@/lib/action";
import { RECOVERY_BUTTON_HINT, RECOVERY_BUTTON_LABEL, RECOVERY_NEXT_STEPS } from "@/lib/recovery/messages";

/** The button, and once a request is pending (`pendingSince`: when, in words), what happens next in plain words. */
export function RecoveryRequestForm({ pendingSince }: { pendingSince: string | null }) {
  const [state, action] = useActionState(requestRecoveryAction, initialFormState);
  const id = useId();
  return (
    <div className="mt-4 border-t border-slate-100 pt-4 text-sm">
      {pendingSince ? (
        <section
          aria-labelledby={`${id}-next`}
          className="mb-4 rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sky-950"
        >
          <h2 id={`${id}-next`} className="font-semibold">
            What happens next
          </h2>
          <ol className="mt-2 list-decimal space-y-1 pl-5">
            {RECOVERY_NEXT_STEPS.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <p className="mt-2">{pendingSince}</p>
        </section>
      ) : (
        <p id={`${id}-hint`} className="mb-2 text-center text-slate-600">
          {RECOVERY_BUTTON_HINT}
        </p>
      )}
      <form action={action} className="flex flex-col items-center gap-2">
        <SubmitButton
          variant="ghost"
          pendingLabel="Sending…"
          aria-describedby={pendingSince ? undefined : `${id}-hint`}
        >
          {RECOVERY_BUTTON_LABEL}
        </SubmitButton>
        {/* A live region without role="status": the challenge form's own status stays the page's only one. */}
        <div aria-live="polite" aria-atomic="true" className="w-full text-center">
          {state.message ? (
            <p
              className={`rounded-lg border px-3 py-2 ${state.status === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-800"}`}
            >
              {state.message}
            </p>
          ) : null}
        </div>
      </form>
    </div>
  );
}
