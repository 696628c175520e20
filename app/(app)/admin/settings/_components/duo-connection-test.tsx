"use client";

import { useActionState, useTransition, type MouseEvent } from "react";
import { testDuoConnectionAction } from "@/app/(app)/admin/settings/duo-actions";
import { buttonClasses } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

/**
 * "Test connection" inside the settings form: sends the Duo fields as typed
 * (the saved secret when its field is empty) to Duo's health check without
 * saving them. Called directly rather than as the form's action, so the form
 * keeps what was typed.
 */
export function DuoConnectionTest() {
  const [state, test] = useActionState(testDuoConnectionAction, initialFormState);
  const [pending, startTransition] = useTransition();
  const run = (event: MouseEvent<HTMLButtonElement>) => {
    const form = event.currentTarget.form;
    if (!form) return;
    const fields = new FormData(form);
    startTransition(() => test(fields));
  };
  // The test highlights no field, so "Please correct the highlighted field" would point at nothing: say what is wrong.
  const fieldError = Object.values(state.fieldErrors ?? {}).join(" ");
  return (
    <div className="space-y-2">
      <button
        type="button"
        onClick={run}
        disabled={pending}
        aria-disabled={pending}
        className={buttonClasses("secondary")}
      >
        {pending ? "Testing…" : "Test connection"}
      </button>
      <FormStatus state={fieldError ? { ...state, message: fieldError } : state} />
    </div>
  );
}
