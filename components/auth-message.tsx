import type { ReactNode } from "react";

/**
 * A message card on the sign-in pages (a link that does not work, a step
 * that is done): a heading, what happened, and a way on.
 */
export function AuthMessage({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      <div className="mt-2 space-y-2 text-sm text-slate-600">{children}</div>
      {actions ? (
        <div className="mt-6 flex flex-wrap items-center gap-x-6 gap-y-3 border-t border-slate-100 pt-4">{actions}</div>
      ) : null}
    </div>
  );
}

export const authLinkClass = "text-sm font-medium text-brand-700 hover:underline";
export const signOutLinkClass = "text-sm font-medium text-slate-600 hover:text-slate-900 hover:underline";
