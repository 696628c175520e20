import type { AdoptionSegment } from "@/lib/admin/adoption";

/**
 * Each segment's fill: a colour and a pattern, so segments differ without
 * colour (WCAG 1.4.1 Use of Color). Defined once per page and referred to by
 * the bar and the legend's swatches.
 */
export const SEGMENT_FILL: Record<AdoptionSegment, string> = {
  protected: "url(#adoption-protected)",
  in_grace: "url(#adoption-in-grace)",
  past_grace: "url(#adoption-past-grace)",
  optional_without: "url(#adoption-optional-without)",
  exempt: "url(#adoption-exempt)",
};

export function AdoptionPatterns() {
  return (
    <svg aria-hidden="true" width="0" height="0" className="absolute">
      <defs>
        <pattern id="adoption-protected" patternUnits="userSpaceOnUse" width="8" height="8">
          <rect width="8" height="8" fill="#15803d" />
        </pattern>
        <pattern
          id="adoption-in-grace"
          patternUnits="userSpaceOnUse"
          width="8"
          height="8"
          patternTransform="rotate(45)"
        >
          <rect width="8" height="8" fill="#f59e0b" />
          <line x1="0" y1="0" x2="0" y2="8" stroke="#fef3c7" strokeWidth="4" />
        </pattern>
        <pattern id="adoption-past-grace" patternUnits="userSpaceOnUse" width="8" height="8">
          <rect width="8" height="8" fill="#b91c1c" />
          <path d="M0 0L8 8M8 0L0 8" stroke="#fecaca" strokeWidth="1.5" />
        </pattern>
        <pattern id="adoption-optional-without" patternUnits="userSpaceOnUse" width="8" height="8">
          <rect width="8" height="8" fill="#cbd5e1" />
          <circle cx="4" cy="4" r="1.6" fill="#334155" />
        </pattern>
        <pattern id="adoption-exempt" patternUnits="userSpaceOnUse" width="8" height="8">
          <rect width="8" height="8" fill="#f1f5f9" />
          <line x1="0" y1="4" x2="8" y2="4" stroke="#64748b" strokeWidth="1.5" />
        </pattern>
      </defs>
    </svg>
  );
}

/** A legend's sample of a segment's fill. */
export function SegmentSwatch({ segment }: { segment: AdoptionSegment }) {
  return (
    <svg aria-hidden="true" width="20" height="20" className="shrink-0">
      <rect x="0.5" y="0.5" width="19" height="19" rx="3" fill={SEGMENT_FILL[segment]} stroke="#475569" />
    </svg>
  );
}
