"use client";

import { type ReactNode } from "react";
import { dismissRecoveryRequestAction } from "@/app/(app)/admin/users/[id]/recovery-actions";
import { AnswerReplacesForm } from "@/app/(app)/admin/users/[id]/_components/answer-replaces-form";

/** "Dismiss request" and what the request is, until it is pressed. */
export function RecoveryRequestDismissForm({
  userId,
  requestId,
  details,
}: {
  userId: number;
  requestId: number;
  details: ReactNode;
}) {
  return (
    <AnswerReplacesForm
      action={dismissRecoveryRequestAction}
      fields={{ user: userId, request: requestId }}
      details={details}
      label="Dismiss request"
      pendingLabel="Dismissing…"
    />
  );
}
