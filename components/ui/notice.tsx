import type { ReactNode } from "react";

/** A standing explanation on a page (not the result of an action, which FormStatus announces). */
export function Notice({ children }: { children: ReactNode }) {
  return <p className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">{children}</p>;
}
