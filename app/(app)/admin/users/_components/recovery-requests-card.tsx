import Link from "next/link";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { PendingRecoveryRequestRow } from "@/lib/data/admin-users-list";
import { describeUserAgent } from "@/lib/user-agent";

/**
 * The organisation's pending "I can't use any of my methods" requests, oldest
 * first, each linking to the user's page where it is answered. Nothing when
 * there are none. The page's guard (users:read) and the actor's organisation
 * (lib/data/admin-users-list.ts) decide what is listed.
 */
export function RecoveryRequestsCard({ requests }: { requests: PendingRecoveryRequestRow[] }) {
  if (requests.length === 0) return null;
  return (
    <Card
      title="Recovery requests"
      id="recovery-requests"
      description="People who entered their password but cannot use any of their two-factor methods. Check each one is really them before you reset anything."
    >
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">Pending recovery requests, oldest first</caption>
          <thead className="text-left text-slate-700">
            <tr>
              <th scope="col" className="py-2 pr-4 font-semibold">
                Name
              </th>
              <th scope="col" className="py-2 pr-4 font-semibold">
                Email
              </th>
              <th scope="col" className="py-2 pr-4 font-semibold">
                Asked
              </th>
              <th scope="col" className="py-2 font-semibold">
                From
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {requests.map((request) => (
              <tr key={request.id}>
                <td className="py-2 pr-4 font-medium">
                  <Link
                    href={`/admin/users/${request.userId}#recovery-request`}
                    className="text-brand-700 hover:underline"
                  >
                    {request.name}
                  </Link>
                </td>
                <td className="py-2 pr-4 text-slate-700">{request.email}</td>
                <td className="py-2 pr-4 text-slate-700">
                  <LocalTime date={request.createdAt} />
                </td>
                <td className="py-2 text-slate-700">
                  {request.ip ?? "Unknown address"} · {describeUserAgent(request.userAgent)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
