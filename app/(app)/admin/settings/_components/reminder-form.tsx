"use client";

import { useActionState } from "react";
import { updateReminderDaysAction } from "@/app/(app)/admin/settings/reminder-actions";
import { SubmitButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState } from "@/lib/action";
import { REMINDER_DAYS_BOUNDS as B } from "@/lib/organisations/reminder-days-bounds";

/** `editable: false` shows the setting to someone who may not change it, like the other settings forms. */
export function ReminderForm({ days, editable }: { days: number | null; editable: boolean }) {
  const [state, action] = useActionState(updateReminderDaysAction, initialFormState);
  return (
    <Card
      title="Setup reminders"
      id="reminders"
      description="An email to people who must set up two-factor authentication and have not yet, once a day as their deadline nears."
    >
      <form action={action} noValidate>
        <fieldset disabled={!editable} className="space-y-5">
          <Field
            label="Remind people N days before their grace period ends"
            name="reminderDaysBeforeDeadline"
            type="number"
            inputMode="numeric"
            min={B.min}
            max={B.max}
            className="max-w-md"
            hint={`${B.min} to ${B.max} days. Leave it empty to send no reminders.`}
            defaultValue={state.values?.reminderDaysBeforeDeadline ?? (days === null ? "" : String(days))}
            error={state.fieldErrors?.reminderDaysBeforeDeadline}
          />
          {editable ? (
            <SubmitRow state={state}>
              <SubmitButton pendingLabel="Saving…">Save reminder setting</SubmitButton>
            </SubmitRow>
          ) : null}
        </fieldset>
      </form>
    </Card>
  );
}
