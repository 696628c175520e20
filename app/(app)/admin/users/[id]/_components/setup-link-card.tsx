import { sendSetupLinkAction } from "@/app/(app)/admin/users/[id]/setup-link-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { setupLinkEligibility } from "@/lib/two-factor/authenticator-app/setup-link";

/** "Send setup link" on a user's admin page, or why it is not offered. */
export function SetupLinkCard({ organisationId, userId }: { organisationId: number; userId: number }) {
  const eligibility = setupLinkEligibility(getDb(), organisationId, userId);
  return (
    <Card
      title="Authenticator setup link"
      id="setup-link"
      description="Emails the user a link, valid once for 24 hours, to a page where they sign in and set up their authenticator app. You never see their secret; a new link replaces any earlier one."
    >
      {eligibility.ok ? (
        <RowActionForm
          action={sendSetupLinkAction}
          fields={{ user: userId }}
          label="Send setup link"
          pendingLabel="Sending…"
          className="flex flex-col items-start gap-2"
        />
      ) : (
        <p className="text-sm text-slate-600">{eligibility.reason}</p>
      )}
    </Card>
  );
}
