"use client";

import { useActionState } from "react";
import { forgetAllBrowsersAction } from "@/app/(app)/profile/two-factor-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function TrustedBrowsersForgetAllForm() {
  const [state, action] = useActionState(forgetAllBrowsersAction, initialFormState);
  return (
    <form action={action} className="space-y-2">
      <FormStatus state={state} />
      <SubmitButton variant="secondary" pendingLabel="Forgetting…">
        Forget all
      </SubmitButton>
    </form>
  );
}
