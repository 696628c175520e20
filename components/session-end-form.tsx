"use client";

import { useActionState } from "react";
import { endSessionAction } from "@/app/(app)/profile/actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function SessionEndForm({ session, description }: { session: string; description: string }) {
  const [state, action] = useActionState(endSessionAction, initialFormState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <input type="hidden" name="session" value={session} />
      <SubmitButton variant="secondary" aria-label={`End session: ${description}`} pendingLabel="Ending…">
        End session
      </SubmitButton>
      {state.status === "error" ? <FormStatus state={state} /> : null}
    </form>
  );
}
