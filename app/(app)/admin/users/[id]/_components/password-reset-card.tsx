import { sendPasswordResetLinkAction } from "@/app/(app)/admin/users/[id]/password-reset-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";

/** "Send password reset link" on a user's admin page, or why it is not offered (`refusal`). The page has checked users:manage and rank. */
export function PasswordResetCard({ userId, refusal }: { userId: number; refusal: string | null }) {
  return (
    <Subsection
      title="Password"
      id="password"
      description="Emails the user a link, valid once for 30 minutes, to choose a new password. You never see or set it; their two-factor authentication stays as it is, and every session of theirs ends when they use it."
    >
      {refusal ? (
        <p className="text-sm text-slate-600">{refusal}</p>
      ) : (
        <RowActionForm
          action={sendPasswordResetLinkAction}
          fields={{ user: userId }}
          label="Send password reset link"
          pendingLabel="Sending…"
          className="flex flex-col items-start gap-2"
        />
      )}
    </Subsection>
  );
}
