"use client";

import { useActionState } from "react";
import { updateAuditRetentionAction } from "@/app/(app)/admin/settings/audit-retention-actions";
import { SubmitButton } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { SubmitRow } from "@/components/ui/submit-row";
import { initialFormState } from "@/lib/action";
import {
  AUDIT_RETENTION_BOUNDS as B,
  AUDIT_RETENTION_SHORTENING_DELAY_DAYS,
} from "@/lib/organisations/audit-retention-bounds";

/** `editable: false` shows the setting to someone who may not change it, like the other settings forms. */
export function AuditRetentionForm({ days, editable }: { days: number; editable: boolean }) {
  const [state, action] = useActionState(updateAuditRetentionAction, initialFormState);
  return (
    <Card
      title="Audit log"
      id="audit-retention"
      description="How long the audit log keeps what happened. Older events are deleted every hour."
    >
      <form action={action} noValidate>
        <fieldset disabled={!editable} className="space-y-5">
          <Field
            label="Keep audit events for (days)"
            name="auditRetentionDays"
            type="number"
            inputMode="numeric"
            min={B.min}
            max={B.max}
            required
            className="max-w-md"
            hint={`${B.min} to ${B.max} days (ten years); default ${B.default}. Shortening it deletes older events only ${AUDIT_RETENTION_SHORTENING_DELAY_DAYS} days after you save.`}
            defaultValue={state.values?.auditRetentionDays ?? String(days)}
            error={state.fieldErrors?.auditRetentionDays}
          />
          {editable ? (
            <SubmitRow state={state}>
              <SubmitButton pendingLabel="Saving…">Save audit log setting</SubmitButton>
            </SubmitRow>
          ) : null}
        </fieldset>
      </form>
    </Card>
  );
}
