import { resendInvitationAction, withdrawInvitationAction } from "@/app/(app)/admin/users/invitation-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { PendingInvitation } from "@/lib/invitations/invitations";

/** On a user's admin page: their invitation while it waits to be accepted, and what an admin can do about it. */
export function InvitationStatus({
  userId,
  invitation,
  canManage,
}: {
  userId: number;
  invitation: PendingInvitation | null;
  canManage: boolean;
}) {
  if (!invitation) return null;
  return (
    <Card title="Invitation" id="invitation">
      <p className="text-sm text-slate-800">
        Invitation sent <LocalTime date={invitation.sentAt} />
        {invitation.expired ? (
          "; the link no longer works."
        ) : (
          <>
            , expires <LocalTime date={invitation.expiresAt} />.
          </>
        )}{" "}
        They cannot sign in until they accept it.
      </p>
      {canManage ? (
        <div className="mt-4 flex flex-wrap items-start gap-4 [&_form]:items-start">
          <RowActionForm
            action={resendInvitationAction}
            fields={{ user: userId }}
            label="Resend invitation"
            pendingLabel="Sending…"
          />
          <RowActionForm
            action={withdrawInvitationAction}
            fields={{ user: userId }}
            label="Withdraw invitation"
            variant="danger"
            pendingLabel="Withdrawing…"
            confirmation={{
              title: `Withdraw the invitation to ${invitation.email}?`,
              consequence: "The links sent to them stop working and their account, which was never used, is deleted.",
              confirmLabel: "Withdraw",
            }}
          />
        </div>
      ) : null}
    </Card>
  );
}
