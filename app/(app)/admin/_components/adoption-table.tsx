import Link from "next/link";
import { ADOPTION_SEGMENTS, type Adoption } from "@/lib/admin/adoption";
import { ADOPTION_METHODS, SEGMENT_LABELS, segmentHref } from "@/lib/admin/adoption-labels";
import { METHOD_LABELS } from "@/lib/two-factor/policy/methods";

/** The numbers of the chart, each row linked to the users it counts. */
export function AdoptionTable({ adoption }: { adoption: Adoption }) {
  const share = (count: number) => (adoption.total > 0 ? `${Math.round((count / adoption.total) * 100)}%` : "–");
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="pb-2 text-left text-sm text-slate-600">
          Users by two-factor state ({adoption.total} in all). Someone with two methods counts in each method row.
        </caption>
        <thead className="border-b border-slate-200 text-slate-700">
          <tr>
            <th scope="col" className="py-2 pr-4 font-semibold">
              State
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-semibold">
              Users
            </th>
            <th scope="col" className="py-2 text-right font-semibold">
              Share
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {ADOPTION_SEGMENTS.flatMap((segment) => [
            <tr key={segment}>
              <th scope="row" className="py-2 pr-4 font-normal">
                <Link href={segmentHref(segment)} className="font-medium text-brand-700 hover:underline">
                  {SEGMENT_LABELS[segment].label}
                </Link>
                <span className="block text-xs text-slate-600">{SEGMENT_LABELS[segment].description}</span>
              </th>
              <td className="py-2 pr-4 text-right tabular-nums">{adoption.segments[segment]}</td>
              <td className="py-2 text-right tabular-nums">{share(adoption.segments[segment])}</td>
            </tr>,
            ...(segment === "protected"
              ? ADOPTION_METHODS.map((method) => (
                  <tr key={`method-${method}`}>
                    <th scope="row" className="py-2 pr-4 pl-6 font-normal">
                      <Link
                        href={segmentHref("protected", method)}
                        className="text-brand-700 hover:underline"
                        aria-label={`Protected with ${METHOD_LABELS[method]}`}
                      >
                        with {METHOD_LABELS[method]}
                      </Link>
                    </th>
                    <td className="py-2 pr-4 text-right tabular-nums">{adoption.methods[method]}</td>
                    <td className="py-2 text-right tabular-nums">{share(adoption.methods[method])}</td>
                  </tr>
                ))
              : []),
          ])}
        </tbody>
      </table>
    </div>
  );
}
