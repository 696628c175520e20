import { sendPasswordResetLinkAction } from "@/app/(app)/admin/users/[id]/password-reset-actions";
import { RowActionForm } from "@/components/row-action-form";
import { Card } from "@/components/ui/card";
import { getDb } from "@/db";
import { adminResetRefusal, resetAccountOfUser } from "@/lib/auth/password-reset";

/** "Send password reset link" on a user's admin page, or why it is not offered. The page has checked users:manage and rank. */
export function PasswordResetCard({ organisationId, userId }: { organisationId: number; userId: number }) {
  const account = resetAccountOfUser(getDb(), organisationId, userId);
  if (!account) return null;
  const refusal = adminResetRefusal(account);
  return (
    <Card
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
    </Card>
  );
}
