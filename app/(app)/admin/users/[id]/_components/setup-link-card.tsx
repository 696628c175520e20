import { sendSetupLinkAction } from "@/app/(app)/admin/users/[id]/setup-link-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";
import type { AdminUserDetail } from "@/lib/data/admin-user-detail";

/** "Send setup link" on a user's admin page, or why it is not offered. */
export function SetupLinkCard({
  userId,
  setupLink,
}: {
  userId: number;
  setupLink: NonNullable<AdminUserDetail["managed"]>["setupLink"];
}) {
  return (
    <Subsection
      title="Authenticator setup link"
      id="setup-link"
      description="Emails the user a link, valid once for 24 hours, to a page where they sign in and set up their authenticator app. You never see their secret; a new link replaces any earlier one."
    >
      {setupLink.offered ? (
        <RowActionForm
          action={sendSetupLinkAction}
          fields={{ user: userId }}
          label="Send setup link"
          pendingLabel="Sending…"
          className="flex flex-col items-start gap-2"
        />
      ) : (
        <p className="text-sm text-slate-600">{setupLink.reason}</p>
      )}
    </Subsection>
  );
}
