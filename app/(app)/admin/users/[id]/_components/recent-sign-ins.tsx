import { Subsection } from "@/app/(app)/admin/users/[id]/_components/subsection";
import type { RecentSignIn } from "@/lib/admin/recent-sign-ins";
import { LocalTime } from "@/components/ui/local-time";

/** The user's last sign-in attempts, from the audit log; the page has checked users:read and the organisation. */
export function RecentSignIns({ events }: { events: RecentSignIn[] }) {
  return (
    <Subsection
      title="Recent sign-ins"
      id="recent-sign-ins"
      description="The last ten sign-in attempts, successful or not."
    >
      {events.length === 0 ? (
        <p className="text-sm text-slate-600">No sign-in attempts yet.</p>
      ) : (
        <div className="overflow-x-auto [contain:inline-size]">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Recent sign-in attempts</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Time
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Result
                </th>
                <th scope="col" className="py-2 pr-4 font-medium">
                  Address
                </th>
                <th scope="col" className="py-2 font-medium">
                  Browser
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((event) => (
                <tr key={event.id}>
                  <td className="py-2 pr-4 whitespace-nowrap text-slate-800">
                    <LocalTime date={event.at} />
                  </td>
                  <td className={`py-2 pr-4 ${event.failed ? "text-red-800" : "text-emerald-800"}`}>{event.result}</td>
                  <td className="py-2 pr-4 font-mono text-xs text-slate-800">{event.address}</td>
                  <td className="py-2 text-slate-800">{event.browser}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Subsection>
  );
}
