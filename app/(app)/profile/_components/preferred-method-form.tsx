"use client";

import { useActionState } from "react";
import { updatePreferredMethodAction } from "@/app/(app)/profile/two-factor-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function PreferredMethodForm({
  options,
  current,
}: {
  options: Array<{ value: string; label: string }>;
  current: string;
}) {
  const [state, action] = useActionState(updatePreferredMethodAction, initialFormState);
  const error = state.fieldErrors?.method;
  return (
    <form action={action} className="space-y-2" noValidate>
      <FormStatus state={state} />
      <label htmlFor="preferred-method" className="block text-sm font-medium text-slate-800">
        Preferred method
      </label>
      <p id="preferred-method-hint" className="text-xs text-slate-600">
        Sign-in starts with it; you can switch to your other methods there.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <select
          id="preferred-method"
          name="method"
          defaultValue={current}
          aria-describedby={error ? "preferred-method-hint preferred-method-error" : "preferred-method-hint"}
          aria-invalid={error ? true : undefined}
          className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-500/30 focus:outline-none"
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
        <SubmitButton variant="secondary" pendingLabel="Saving…">
          Save preferred method
        </SubmitButton>
      </div>
      {error ? (
        <p id="preferred-method-error" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </form>
  );
}
