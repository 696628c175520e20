import { ADOPTION_SEGMENTS, type Adoption, type AdoptionSegment } from "@/lib/admin/adoption";

/** What each segment of the overview is called, and what it holds. */
export const SEGMENT_LABELS: Record<AdoptionSegment, { label: string; description: string }> = {
  protected: { label: "Protected", description: "Have a second factor they can use" },
  in_grace: { label: "Required, in grace period", description: "Must set up 2FA before their deadline" },
  past_grace: { label: "Required, grace period over", description: "Sent to setup at their next sign-in" },
  optional_without: { label: "Optional, without 2FA", description: "Not required and not set up" },
  exempt: { label: "Exempt", description: "API accounts, SSO users and disabled users" },
};

/** The users list filtered to a segment (the filter of /admin/users), and to a method within "protected". */
export function segmentHref(segment: AdoptionSegment, method?: string): string {
  const params = new URLSearchParams({ state: segment });
  if (method) params.set("method", method);
  return `/admin/users?${params.toString()}`;
}

/** The methods the overview splits "protected" by: every method Twofold has. */
export { TWO_FACTOR_METHODS as ADOPTION_METHODS } from "@/db/schema";

/** Where each non-empty segment sits in a stacked bar: its start and share of the total, from 0 to 1. */
export function barSegments(
  adoption: Adoption,
): { segment: AdoptionSegment; x: number; share: number; count: number }[] {
  const shares = ADOPTION_SEGMENTS.map((segment) => ({
    segment,
    count: adoption.segments[segment],
    share: adoption.total > 0 ? adoption.segments[segment] / adoption.total : 0,
  }));
  return shares
    .map((entry, index) => ({ ...entry, x: shares.slice(0, index).reduce((sum, { share }) => sum + share, 0) }))
    .filter(({ count }) => count > 0);
}
