import type { ReactNode } from "react";

/** A method's state in words, so the colour is never the only signal. */
export type MethodState = { label: string; tone: "on" | "off" | "partial" };

const TONES: Record<MethodState["tone"], string> = {
  on: "bg-emerald-100 text-emerald-800",
  partial: "bg-amber-100 text-amber-900",
  off: "bg-slate-100 text-slate-700",
};

/**
 * One row of the two-factor card (GitHub's "Two-factor methods"): the
 * method's name, its state and badges, what it means for this user, and its
 * own actions. An action that opens a form (marked `data-expanded`) takes the
 * row's full width below, rather than squeezing the description.
 */
export function MethodRow({
  name,
  state,
  preferred = false,
  description,
  children,
}: {
  name: string;
  state: MethodState;
  preferred?: boolean;
  description: ReactNode;
  children?: ReactNode;
}) {
  return (
    <li className="flex flex-wrap items-start gap-x-6 gap-y-3 py-4 first:pt-0 last:pb-0">
      <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
        <div className="flex flex-wrap items-center gap-2">
          <h4 className="text-sm font-semibold text-slate-900">{name}</h4>
          <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${TONES[state.tone]}`}>{state.label}</span>
          {preferred ? (
            <span className="rounded-full border border-brand-600 px-2 py-0.5 text-xs font-medium text-brand-700">
              Preferred
            </span>
          ) : null}
        </div>
        <div className="mt-1 space-y-2 text-sm text-slate-600">{description}</div>
      </div>
      {children ? (
        <div className="flex max-w-full flex-wrap items-start gap-2 has-[[data-expanded]]:basis-full">{children}</div>
      ) : null}
    </li>
  );
}
