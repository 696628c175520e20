import Link from "next/link";
import type { FormState } from "@/lib/action";
import { ResumeAfterConfirmAccess } from "@/components/ui/resume-after-confirm-access";

/**
 * The live region every form reports through: it is always in the page, so
 * screen readers announce a message the moment it appears.
 */
export function FormStatus({ state, id }: { state: FormState<unknown>; id?: string }) {
  const tone =
    state.status === "error"
      ? "border-red-200 bg-red-50 text-red-800"
      : state.status === "reauthenticate"
        ? "border-amber-200 bg-amber-50 text-amber-900"
        : "border-emerald-200 bg-emerald-50 text-emerald-800";
  return (
    <div id={id} aria-live="polite" role="status" aria-atomic="true">
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
