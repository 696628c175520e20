import { ADOPTION_SEGMENTS, type Adoption } from "@/lib/admin/adoption";
import { barSegments, SEGMENT_LABELS, segmentHref } from "@/lib/admin/adoption-labels";
import { SEGMENT_FILL, SegmentSwatch } from "@/app/(app)/admin/_components/adoption-patterns";

/**
 * The organisation's users as one stacked bar, a segment per state, each
 * filled with its pattern, labelled with its number when there is room, and
 * linked to the users list filtered to it. The bar is a picture for sighted
 * mouse users; the legend beside it and the table below carry the same
 * numbers and links for everyone else, so the bar is hidden from assistive
 * technology and its links from the keyboard (no link is reached twice).
 */
export function AdoptionBar({ adoption }: { adoption: Adoption }) {
  const total = adoption.total;
  const segments = barSegments(adoption);
  const percent = (value: number) => `${(value * 100).toFixed(3)}%`;
  return (
    <div className="space-y-4">
      <svg aria-hidden="true" width="100%" height="56" className="block overflow-visible">
        {total === 0 ? <rect x="0" y="4" width="100%" height="48" rx="6" fill="#f8fafc" stroke="#cbd5e1" /> : null}
        {segments.map(({ segment, x, share, count }) => (
          <a key={segment} href={segmentHref(segment)} tabIndex={-1}>
            <title>{`${SEGMENT_LABELS[segment].label}: ${count}`}</title>
            <rect
              x={percent(x)}
              y="4"
              width={percent(share)}
              height="48"
              fill={SEGMENT_FILL[segment]}
              stroke="#ffffff"
              strokeWidth="2"
            />
            {share >= 0.06 ? (
              <text
                x={percent(x + share / 2)}
                y="34"
                textAnchor="middle"
                fontSize="15"
                fontWeight="600"
                fill="#0f172a"
                stroke="#ffffff"
                strokeWidth="4"
                paintOrder="stroke"
              >
                {count}
              </text>
            ) : null}
          </a>
        ))}
      </svg>
      <ul aria-label="Legend" className="grid gap-2 text-sm text-slate-800 sm:grid-cols-2 lg:grid-cols-3">
        {ADOPTION_SEGMENTS.map((segment) => (
          <li key={segment} className="flex items-center gap-2">
            <SegmentSwatch segment={segment} />
            <span>
              {SEGMENT_LABELS[segment].label}: <strong className="font-semibold">{adoption.segments[segment]}</strong>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
