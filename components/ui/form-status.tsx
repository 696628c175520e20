"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import type { FormState } from "@/lib/action";
import { ResumeAfterConfirmAccess } from "@/components/ui/resume-after-confirm-access";

/**
 * The live region every form reports through: it is always in the page, so
 * screen readers announce a message the moment it appears. A new answer that
 * landed outside the visible part of the page is scrolled just into view
 * (nearest edge, nothing when it is already visible): people who pressed a
 * button see what it did. Place it beside the buttons (SubmitRow) so the eye
 * is already there.
 */
export function FormStatus({ state, id }: { state: FormState<unknown>; id?: string }) {
  const region = useRef<HTMLDivElement>(null);
  const { status, message } = state;
  // Keyed on the words, not the object: callers may rebuild the state on every render.
  useEffect(() => {
    if (!message || !region.current) return;
    const box = region.current.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) region.current.scrollIntoView({ block: "nearest" });
  }, [status, message]);
  const tone =
    state.status === "error"
      ? "border-red-200 bg-red-50 text-red-800"
      : state.status === "reauthenticate"
        ? "border-amber-200 bg-amber-50 text-amber-900"
        : "border-emerald-200 bg-emerald-50 text-emerald-800";
  return (
    <div ref={region} id={id} aria-live="polite" role="status" aria-atomic="true">
      {state.message ? (
        <p className={`rounded-lg border px-3 py-2 text-sm ${tone}`}>
          {state.message}
          {state.status === "reauthenticate" ? (
            <>
              {" "}
              <Link href="/confirm-access" className="font-medium underline">
                Confirm access
              </Link>
            </>
          ) : null}
        </p>
      ) : null}
      <ResumeAfterConfirmAccess state={state} />
    </div>
  );
}

/**
 * A form's status where a page may show one live region for several forms
 * (so a screen reader hears each answer once, from one place): with `report`,
 * the state goes up to the parent's one FormStatus and nothing is rendered
 * here; without it, the form has its own FormStatus as usual.
 */
export function SharedFormStatus({
  state,
  report,
}: {
  state: FormState<unknown>;
  report?: (state: FormState<unknown>) => void;
}) {
  useEffect(() => {
    report?.(state);
  }, [state, report]);
  return report ? null : <FormStatus state={state} />;
}
