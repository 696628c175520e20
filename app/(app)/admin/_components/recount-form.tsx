"use client";

import { useActionState } from "react";
import { recountAdoptionAction } from "@/app/(app)/admin/actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function RecountForm() {
  const [state, action] = useActionState(recountAdoptionAction, initialFormState);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <SubmitButton variant="secondary" pendingLabel="Counting…">
        Recount now
      </SubmitButton>
      <FormStatus state={state} />
    </form>
  );
}
