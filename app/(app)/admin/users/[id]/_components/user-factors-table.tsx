import type { FactorView } from "@/lib/admin/user-factors";
import { LocalTime } from "@/components/ui/local-time";

const FACTOR_LABELS: Record<FactorView["kind"], string> = {
  totp: "Authenticator app",
  code: "Codes by text message or email",
  duo: "Duo",
  recovery_codes: "Recovery codes",
};

/** A user's own second factors, when each was added and last used. */
export function UserFactorsTable({ factors }: { factors: FactorView[] }) {
  if (factors.length === 0) return <p className="text-sm text-slate-600">The user has not set up a second factor.</p>;
  return (
    <div className="overflow-x-auto [contain:inline-size]">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">Second factors the user set up</caption>
        <thead className="text-slate-700">
          <tr>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Factor
            </th>
            <th scope="col" className="py-2 pr-4 font-semibold">
              Added
            </th>
            <th scope="col" className="py-2 font-semibold">
              Last used
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {factors.map((factor) => (
            <tr key={factor.kind}>
              <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                {FACTOR_LABELS[factor.kind]}
                {factor.remaining === undefined ? null : (
                  <span className="font-normal text-slate-600"> ({factor.remaining} left)</span>
                )}
              </th>
              <td className="py-2 pr-4 text-slate-700">
                <LocalTime date={factor.addedAt} />
              </td>
              <td className="py-2 text-slate-700">
                {factor.lastUsedAt ? <LocalTime date={factor.lastUsedAt} /> : "Never"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
