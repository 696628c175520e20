"use client";

import { useActionState } from "react";
import { signOutAllUsersAction } from "@/app/(app)/admin/settings/actions";
import { SubmitButton } from "@/components/ui/button";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState } from "@/lib/action";

export function SignOutAllForm() {
  const [state, action] = useActionState(signOutAllUsersAction, initialFormState);
  const error = state.fieldErrors?.confirm;
  return (
    <form action={action} className="space-y-4">
      <FormStatus state={error ? { status: "error", message: error } : state} />
      <div className="flex items-start gap-3">
        <input
          id="confirm-sign-out-all"
          name="confirm"
          type="checkbox"
          value="yes"
          aria-invalid={error ? true : undefined}
          className="mt-0.5 h-4 w-4 rounded border-slate-300 text-red-600 focus:ring-red-500"
        />
        <label htmlFor="confirm-sign-out-all" className="text-sm text-slate-800">
          I understand that everyone in the organisation, me included, will be signed out
        </label>
      </div>
      <SubmitButton variant="danger" pendingLabel="Signing everyone out…">
        Sign out all users
      </SubmitButton>
    </form>
  );
}
