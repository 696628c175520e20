"use client";

import { useActionState } from "react";
import { forgetAllBrowsersAction, forgetBrowserAction } from "@/app/(app)/profile/two-factor-actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function TrustedBrowserForgetForm({ browser, description }: { browser: number; description: string }) {
  const [state, action] = useActionState(forgetBrowserAction, initialFormState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <input type="hidden" name="browser" value={browser} />
      <SubmitButton variant="secondary" aria-label={`Forget ${description}`} pendingLabel="Forgetting…">
        Forget
      </SubmitButton>
      {state.status === "error" ? <FormStatus state={state} /> : null}
    </form>
  );
}

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
