"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

export function SetupSkipForm({
  action: skipAction,
}: {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
}) {
  const [state, action] = useActionState(skipAction, initialFormState);
  return (
    <form action={action}>
      <FormStatus state={state} />
      <button type="submit" className="text-sm font-medium text-brand-700 hover:underline">
        Skip for now
      </button>
    </form>
  );
}
