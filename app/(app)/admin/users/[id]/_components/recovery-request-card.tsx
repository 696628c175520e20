import { RecoveryRequestDismissForm } from "@/app/(app)/admin/users/[id]/_components/recovery-request-dismiss-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { RecoveryRequest } from "@/lib/recovery/requests";
import { describeUserAgent } from "@/lib/user-agent";

/**
 * On the admin user page while the user has a pending "I can't use any of my
 * methods" request: when and from where it came, "Dismiss request", and where
 * the reset is. Nothing here changes the account.
 */
export function RecoveryRequestCard({
  user,
  request,
  canDismiss,
  canReset,
}: {
  user: { id: number; name: string };
  request: RecoveryRequest | null;
  canDismiss: boolean;
  canReset: boolean;
}) {
  if (!request) return null;
  const details = (
    <>
      <p className="text-sm text-slate-700">
        {user.name} entered their password and said they cannot use any of their two-factor methods.
      </p>
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-700">Asked</dt>
        <dd className="text-slate-900">
          <LocalTime date={request.createdAt} />
        </dd>
        <dt className="font-medium text-slate-700">From address</dt>
        <dd className="text-slate-900">{request.ip ?? "Unknown"}</dd>
        <dt className="font-medium text-slate-700">Browser</dt>
        <dd className="text-slate-900">{describeUserAgent(request.userAgent)}</dd>
        <dt className="font-medium text-slate-700">Expires</dt>
        <dd className="text-slate-900">
          <LocalTime date={request.expiresAt} />
        </dd>
      </dl>
      <p className="mt-3 text-sm text-slate-700">
        {canReset ? (
          <>
            Check it is really them by your own means: call them on a number you already know, or see them in person.
            Then use{" "}
            <a href="#account-actions" className="font-medium text-brand-700 underline">
              “Reset two-factor authentication”
            </a>{" "}
            below. If you cannot confirm it, dismiss the request.
          </>
        ) : (
          "Only an administrator who holds all of their permissions can reset their two-factor authentication."
        )}
      </p>
    </>
  );
  return (
    <Card title="Recovery request" id="recovery-request">
      {canDismiss ? <RecoveryRequestDismissForm userId={user.id} requestId={request.id} details={details} /> : details}
    </Card>
  );
}
