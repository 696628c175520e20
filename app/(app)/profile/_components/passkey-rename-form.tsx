"use client";

import { useActionState, useEffect, useId, useRef, useState } from "react";
import { renamePasskeyAction } from "@/app/(app)/profile/passkey-actions";
import { SubmitButton } from "@/components/ui/button";
import { buttonClasses } from "@/components/ui/button-classes";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { initialFormState, type FormState } from "@/lib/action";

/** "Rename" on a passkey's row: opens a one-field form in place; the row shows the new name once saved. */
export function PasskeyRenameForm({ passkeyId, name }: { passkeyId: number; name: string }) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(async (previous: FormState, formData: FormData) => {
    const result = await renamePasskeyAction(previous, formData);
    if (result.status === "success") setOpen(false);
    return result;
  }, initialFormState);
  const opener = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    if (state.status === "success") opener.current?.focus();
  }, [state]);

  if (!open) {
    return (
      <div className="flex flex-col items-end gap-2">
        <button
          ref={opener}
          type="button"
          onClick={() => setOpen(true)}
          aria-label={`Rename ${name}`}
          className={buttonClasses("secondary")}
        >
          Rename
        </button>
        <div className="w-0 min-w-full">
          <FormStatus state={state} />
        </div>
      </div>
    );
  }
  return (
    <form action={action} className="basis-full space-y-3 sm:max-w-sm" data-expanded noValidate>
      <input type="hidden" name="passkey" value={passkeyId} />
      <Field
        id={`${id}-name`}
        label={`New name for ${name}`}
        name="name"
        defaultValue={state.values?.name ?? name}
        maxLength={60}
        autoComplete="off"
        required
        autoFocus
        error={state.fieldErrors?.name}
      />
      <div className="flex flex-wrap gap-3">
        <SubmitButton pendingLabel="Saving…">Save name</SubmitButton>
        <button type="button" onClick={() => setOpen(false)} className={buttonClasses("secondary")}>
          Cancel
        </button>
      </div>
      <FormStatus state={state} />
    </form>
  );
}
